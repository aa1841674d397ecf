namespace PriceFeed.Fyers.Auth;

/// <summary>The result of validate-authcode. refresh_token is optional since April 2026 (reference §3.5).</summary>
public sealed record FyersTokens(string AccessToken, string? RefreshToken)
{
    public override string ToString() => "FyersTokens { AccessToken = ***, RefreshToken = *** }";
}
