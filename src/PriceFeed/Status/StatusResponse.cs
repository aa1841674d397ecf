using PriceFeed.Calendar;
using PriceFeed.Ingestion;
using PriceFeed.Tokens;

namespace PriceFeed.Status;

/// <summary>
/// The answer of GET /api/status. None of its parts can carry a secret. A visitor who has not proved
/// to be the owner (<see cref="Owner"/> false) gets the token's state and validity and what the login
/// button needs; the project, app, account, name, callback URL, runs and calendar are null or empty.
/// </summary>
public sealed record StatusResponse(
    string Mode,
    bool Owner,
    bool SetupNeeded,
    string? Project,
    CredentialsView Credentials,
    string? CallbackUrl,
    BindingView? Binding,
    TokenStatus Token,
    LoginResultView? LastLogin,
    IReadOnlyList<RunSummary> Runs,
    CalendarCoverage? Calendar,
    FeedView? Feed = null);
