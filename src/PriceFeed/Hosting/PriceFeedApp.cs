using PriceFeed.Coverage;
using Microsoft.Extensions.Options;
using PriceFeed.Health;
using PriceFeed.Ingestion;
using PriceFeed.Sandbox;
using PriceFeed.Tokens;
using PriceFeed.Status;
using PriceFeed.Web;

namespace PriceFeed.Hosting;

/// <summary>The web host: a table of contents of the features, each registered next to its code.</summary>
internal static class PriceFeedApp
{
    public static WebApplication Build(ServeSettings settings, string[] args, Action<IServiceCollection>? overrides = null)
    {
        OwnerOnlyFiles.Apply();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [.. args, .. HostSetup.Args], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(settings.Url.GetLeftPart(UriPartial.Authority));
        builder.AddPriceFeedLogging();
        builder.AddWebProtection();
        builder.Services.AddPriceFeed(builder.Configuration, settings.Sandbox ? settings.Origin : null);
        builder.Services.AddHealth();
        builder.Services.AddTokenWeb();
        builder.Services.AddStatus();
        builder.Services.AddWatchlistApi();
        builder.Services.AddDataApi();
        if (settings.Sandbox)
        {
            builder.AddSandbox(settings);
        }

        if (RunsLocalScheduler(builder.Configuration))
        {
            builder.Services.AddHostedService<LocalScheduler>();
            if (builder.Configuration.GetValue("Live:Enabled", true))
            {
                // The live stream during NSE sessions (issue 21); Live:Enabled=false leaves it out.
                builder.Services.AddHostedService<Live.LiveScheduler>();
            }
        }

        var pathBase = settings.NormalizedPathBase ?? builder.Configuration["PathBase"];
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, context, _) =>
        {
            // The configured public origin, or a relative server: never the Host a request claimed.
            var origin = context.ApplicationServices.GetRequiredService<PublicOrigin>().Configured ?? string.Empty;
            var prefix = string.IsNullOrWhiteSpace(pathBase) || pathBase.Trim() == "/" ? string.Empty : "/" + pathBase.Trim().Trim('/');
            document.Servers = [new Microsoft.OpenApi.OpenApiServer { Url = origin + prefix + "/" }];
            return Task.CompletedTask;
        }));
        overrides?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseWebProtection(pathBase);
        app.MapHealth();
        app.MapWebUi();
        app.MapTokenApi();
        app.MapStatus();
        app.MapWatchlistApi();
        app.MapDataApi();
        app.MapOpenApi();
        if (app.Configuration.GetValue<bool>("Events:Enabled"))
        {
            app.MapEvents();
        }
        if (settings.Sandbox)
        {
            // The sandbox's data socket (fyers-protocol.md §16) is a WebSocket.
            app.UseWebSockets();
            app.MapFyersSandbox(ServeSettings.SandboxPrefix);
        }

        return app;
    }

    public static string Banner(ServeSettings settings) => settings.Sandbox
        ? $"""
          PriceFeed is listening on {settings.PageUrl}
          FYERS SANDBOX MODE: all accounts and market data are synthetic.
            Sandbox app:  client id {SandboxDefaults.ClientId}, secret {SandboxDefaults.Secret}
            Redirect URI: {new Uri(settings.PageUrl, "callback")}
            Accounts:     XS00001 (2FA code 123456), XS00002 (2FA code 654321)
          Press Ctrl+C to stop.
          """
        : $"PriceFeed is listening on {settings.PageUrl} (FYERS: api-t1.fyers.in). Press Ctrl+C to stop.";

    /// <summary>The synthetic FYERS under /sandbox/fyers, keeping the same holidays as the NSE calendar the jobs use.</summary>
    private static void AddSandbox(this WebApplicationBuilder builder, ServeSettings settings)
    {
        var sandbox = SandboxOptions.WithDefaults(new Uri(settings.PageUrl, "callback"));
        // Outages to rehearse against (README, "Sandbox mode"): Sandbox:Latency, Sandbox:ServerErrorRate,
        // Sandbox:MissingDays / Sandbox:TruncatedDays (comma-separated IST dates), Sandbox:RevokeTokensAfter.
        var config = builder.Configuration.GetSection("Sandbox");
        sandbox.Latency = config.GetValue<TimeSpan>("Latency");
        sandbox.ServerErrorRate = config.GetValue<double>("ServerErrorRate");
        sandbox.MissingDays = Dates(config["MissingDays"], "Sandbox:MissingDays");
        sandbox.TruncatedDays = Dates(config["TruncatedDays"], "Sandbox:TruncatedDays");
        sandbox.RevokeTokensAfter = config.GetValue<int?>("RevokeTokensAfter");
        // The data socket (issue 21): its trade rate, a replayed session (by default the latest one
        // whenever serve starts outside NSE hours, so the stream shows at any hour), and its faults
        // (Sandbox:Socket:SecondConnection, DuplicateFrames, LateBy, VolumeOffset).
        sandbox.TradesPerSecond = config.GetValue("TradesPerSecond", sandbox.TradesPerSecond);
        sandbox.ReplayFrom = Moment(config["ReplayFrom"], "Sandbox:ReplayFrom");
        sandbox.ReplayWhenClosed = config.GetValue("ReplayWhenClosed", true);
        sandbox.ReplaySpeed = config.GetValue("ReplaySpeed", sandbox.ReplaySpeed);
        config.GetSection("Socket").Bind(sandbox.Socket);
        sandbox.Holidays = [.. Calendar.MarketCalendar.Load(builder.Configuration.GetSection(Calendar.CalendarOptions.SectionName).Get<Calendar.CalendarOptions>() ?? new()).FullClosures];

        // Read by hand above (the date lists are comma-separated on the command line, which the
        // binder does not split), then checked like every bound options class.
        var check = new SandboxOptionsValidator().Validate(Options.DefaultName, sandbox);
        if (check.Failed)
        {
            throw new OptionsValidationException(SandboxOptions.SectionName, typeof(SandboxOptions), check.Failures);
        }

        builder.Services.AddFyersSandbox(sandbox);
    }

    /// <summary>A moment such as 2026-11-27T10:30, in IST unless it names its offset.</summary>
    private static DateTimeOffset? Moment(string? text, string setting)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var ist = TimeSpan.FromMinutes(330);
        var styles = System.Globalization.DateTimeStyles.AllowWhiteSpaces;
        if (DateTime.TryParseExact(text, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm"], System.Globalization.CultureInfo.InvariantCulture, styles, out var local))
        {
            return new DateTimeOffset(local, ist);
        }

        return DateTimeOffset.TryParseExact(text, ["yyyy-MM-ddTHH:mmzzz", "yyyy-MM-ddTHH:mm:sszzz"], System.Globalization.CultureInfo.InvariantCulture, styles, out var moment)
            ? moment
            : throw new OptionsValidationException(setting, typeof(SandboxOptions), [$"{setting}: '{text}' is not a moment; write yyyy-MM-ddTHH:mm in IST, such as 2026-11-27T09:15."]);
    }

    private static List<DateOnly> Dates(string? text, string setting) =>
        [.. (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d =>
            DateOnly.TryParseExact(d, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date)
                ? date
                : throw new OptionsValidationException(setting, typeof(SandboxOptions), [$"{setting}: '{d}' is not a date; write yyyy-MM-dd, separated by commas."]))];

    /// <summary>The laptop home schedules itself; on Lambda (or when switched off) EventBridge does.</summary>
    private static bool RunsLocalScheduler(IConfiguration configuration) =>
        configuration.GetValue("Ingestion:LocalScheduler", true) && string.IsNullOrEmpty(configuration["AWS_LAMBDA_FUNCTION_NAME"]);
}
