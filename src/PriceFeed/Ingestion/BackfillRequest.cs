using System.Security.Cryptography;
using System.Text;

namespace PriceFeed.Ingestion;

/// <summary>A backfill range. Its ledger id depends only on what it asks for, so rerunning the same command resumes it.</summary>
public sealed record BackfillRequest(DateOnly From, DateOnly To, IReadOnlyList<string> Symbols, IReadOnlyList<string> Resolutions, int? MaxRequests)
{
    public string LedgerId
    {
        get
        {
            var text = $"{From:yyyy-MM-dd}|{To:yyyy-MM-dd}|{string.Join(',', Symbols.Order(StringComparer.Ordinal))}|{string.Join(',', Resolutions.Order(StringComparer.Ordinal))}";
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
        }
    }
}

public sealed record BackfillProgress(int Done, int Total, int Skipped, TimeSpan Elapsed, TimeSpan? Remaining, string Current);
