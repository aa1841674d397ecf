using Microsoft.AspNetCore.Http;
using PriceFeed.Sandbox.Auth;

namespace PriceFeed.Sandbox.Http;

/// <summary>
/// One FYERS call as a handler sees it, after the pipeline in <see cref="SandboxEndpoints"/>: the
/// token already checked once (<see cref="Owner"/>, null without a usable one), faults and the rate
/// limit applied.
/// </summary>
internal readonly record struct SandboxCall(HttpContext Context, SandboxState State, TokenOwner? Owner)
{
    /// <summary>The token's owner, for endpoints the pipeline only lets through with a usable token.</summary>
    public TokenOwner Caller => Owner ?? throw new InvalidOperationException("This endpoint is mapped without a token check.");
}
