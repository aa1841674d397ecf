namespace PriceFeed.Cli;

/// <summary>Documented exit codes of every command.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;
}
