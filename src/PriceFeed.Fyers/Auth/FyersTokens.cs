namespace PriceFeed.Fyers.Auth;

/// <summary>The result of validate-authcode. refresh_token is optional since April 2026 (fyers-protocol.md §6).</summary>
public sealed record FyersTokens(string AccessToken, string? RefreshToken)
{
    public override string ToString() => "FyersTokens { AccessToken = ***, RefreshToken = *** }";
}
