namespace PriceFeed.Fyers.Auth;

/// <summary>The parts of /profile we use (fyers-protocol.md §7); FYERS masks mobile, email and PAN.</summary>
public sealed record FyersProfile(string FyId, string? Name, string? DisplayName, string? Email, bool? Totp);
