using PriceFeed.Calendar;
using PriceFeed.Ingestion;
using PriceFeed.Tokens;

namespace PriceFeed.Status;

/// <summary>The answer of GET /api/status. None of its parts can carry a secret.</summary>
public sealed record StatusResponse(
    string Mode,
    string Project,
    CredentialsView Credentials,
    string CallbackUrl,
    BindingView? Binding,
    TokenStatus Token,
    LoginResultView? LastLogin,
    IReadOnlyList<RunSummary> Runs,
    CalendarCoverage Calendar);
