using System.Globalization;
using System.Net;

namespace PriceFeed.Fyers.Http;

/// <summary>Puts every FYERS attempt, retries included, through the shared limiter and reports 429s to it.</summary>
internal sealed class RateLimitingHandler(FyersRateLimiter limiter) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await limiter.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            limiter.ReportRateLimited(RetryAfter(response));
        }

        return response;
    }

    /// <summary>X-Retry-After-Ms (milliseconds) or Retry-After (seconds or a date), as FYERS sends on order endpoints (fyers-protocol.md §4).</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("X-Retry-After-Ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var millis)
            && millis > 0)
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta && delta > TimeSpan.Zero)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date && response.Headers.Date is { } now && date > now)
        {
            return date - now;
        }

        return null;
    }
}
