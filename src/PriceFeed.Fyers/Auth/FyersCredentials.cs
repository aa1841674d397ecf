namespace PriceFeed.Fyers.Auth;

/// <summary>
/// What every authenticated call needs: the header is "client_id:access_token" (fyers-protocol.md §2).
/// ToString never prints the token.
/// </summary>
public sealed record FyersCredentials(string ClientId, string AccessToken)
{
    internal string AuthorizationHeader => $"{ClientId}:{AccessToken}";

    public override string ToString() => $"FyersCredentials {{ ClientId = {ClientId}, AccessToken = *** }}";
}
