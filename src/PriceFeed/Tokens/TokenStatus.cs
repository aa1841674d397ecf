using PriceFeed.Fyers.Data;

namespace PriceFeed.Tokens;

/// <summary>The token's state as the page, the API and the CLI name it.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<TokenState>))]
public enum TokenState
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("missing")]
    Missing,

    [System.Text.Json.Serialization.JsonStringEnumMemberName("valid")]
    Valid,

    [System.Text.Json.Serialization.JsonStringEnumMemberName("expired")]
    Expired,

    [System.Text.Json.Serialization.JsonStringEnumMemberName("rejected")]
    Rejected,
}

/// <summary>The words of <see cref="TokenState"/>, the same as its JSON.</summary>
public static class TokenStateText
{
    public static string Text(this TokenState state) => state switch
    {
        TokenState.Missing => "missing",
        TokenState.Valid => "valid",
        TokenState.Expired => "expired",
        TokenState.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}

/// <summary>What the page, the API and the CLI say about the current token. Holds no secret.</summary>
public sealed record TokenStatus(
    TokenState State,
    string Message,
    string? Account,
    string? Name,
    DateTimeOffset? IssuedAt,
    DateTimeOffset? ExpiresAt,
    string? ExpiresAtIst,
    DateTimeOffset? LastCheckedAt,
    DateTimeOffset? NextUse)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsUsable => State == TokenState.Valid;

    internal static TokenStatus From(TokenSnapshot snapshot, DateTimeOffset now, Calendar.MarketCalendar calendar)
    {
        if (snapshot.AccessToken is null)
        {
            return new TokenStatus(TokenState.Missing, "No FYERS token is stored yet. Log in with FYERS to create one.", null, null, null, null, null, null, null);
        }

        var info = snapshot.AccessTokenInfo;
        if (info is null)
        {
            return new TokenStatus(TokenState.Rejected, "The stored token is damaged. Log in with FYERS again.", null, null, null, null, null, null, null);
        }

        var account = MaskFyId(info.FyId ?? snapshot.Binding?.FyId);
        var until = MarketTime.Format(info.ExpiresAt);
        var check = snapshot.LastCheck is { } c && c.TokenFingerprint == TokenCheck.Fingerprint(snapshot.AccessToken) ? c : null;
        if (info.IsExpiredAt(now))
        {
            return new TokenStatus(TokenState.Expired, $"The FYERS token expired at {until}. Log in with FYERS again (tokens die every morning at about 06:00 IST).", account, info.DisplayName, info.IssuedAt, info.ExpiresAt, until, check?.At, null);
        }

        if (check is { Accepted: false })
        {
            return new TokenStatus(TokenState.Rejected, $"FYERS rejected the token at {MarketTime.Format(check.At)} although it should last until {until}. Log in with FYERS again.", account, info.DisplayName, info.IssuedAt, info.ExpiresAt, until, check.At, null);
        }

        var next = NextSessionUse(now, calendar);
        return new TokenStatus(TokenState.Valid, $"Tokens stored, valid until {until}.", account, info.DisplayName, info.IssuedAt, info.ExpiresAt, until, check?.At, next is { } n && n < info.ExpiresAt ? n : null);
    }

    /// <summary>"XS00001" → "XS***01": enough to recognise one's own account, not to read it off a screen.</summary>
    public static string? MaskFyId(string? fyId) =>
        fyId is null ? null : fyId.Length <= 4 ? new string('*', fyId.Length) : $"{fyId[..2]}***{fyId[^2..]}";

    /// <summary>
    /// When the price feed next needs the token, from the NSE calendar: now during a session, else the
    /// next session's open (a holiday, a weekend and Muhurat timings included). Null when that is after
    /// the token dies, which the caller decides.
    /// </summary>
    private static DateTimeOffset? NextSessionUse(DateTimeOffset now, Calendar.MarketCalendar calendar) =>
        calendar.SessionAt(now) is not null ? now : calendar.NextSessionAfter(now)?.Open;
}
