using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PriceFeed.Hosting;
using PriceFeed.Sandbox;

namespace PriceFeed.App.Tests.Support;

/// <summary>
/// `pricefeed serve --sandbox` on a real port with its own data folder, a movable clock shared by the
/// app and its sandbox, and every log line collected.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    public static readonly DateTimeOffset FridayMorning = new(2026, 11, 27, 8, 30, 0, TimeSpan.FromMinutes(330));

    private readonly TimeProvider clock;

    private TestApp(WebApplication app, ServeSettings settings, string dataDirectory, TimeProvider clock, CollectingLoggerProvider logs, StringWriter emf)
    {
        Emf = emf;
        App = app;
        Settings = settings;
        DataDirectory = dataDirectory;
        this.clock = clock;
        Logs = logs;
        Sandbox = app.Services.GetRequiredService<SandboxState>();
    }

    public WebApplication App { get; }

    public ServeSettings Settings { get; }

    public string DataDirectory { get; }

    /// <summary>The app's clock: it runs on like the wall clock from the start moment, and jumps when told to.</summary>
    public JumpableClock Clock => clock as JumpableClock ?? throw new InvalidOperationException("This app runs on a manual clock: use ManualClock.");

    /// <summary>The app's clock when started with manualClock: it moves only when the test moves it (FakeClockPump).</summary>
    public FakeTimeProvider ManualClock => clock as FakeTimeProvider ?? throw new InvalidOperationException("This app's clock runs on by itself: use Clock.");

    public CollectingLoggerProvider Logs { get; }

    public SandboxState Sandbox { get; }

    /// <summary>The page, e.g. http://127.0.0.1:port/ or http://127.0.0.1:port/prod/.</summary>
    public Uri PageUrl => Settings.PageUrl;

    public Uri CallbackUrl => new(PageUrl, "callback");

    /// <summary>The setup code this start made, as `pricefeed serve` prints it; null when the store was already bound.</summary>
    public string? SetupCode { get; private set; }

    /// <summary>Makes a new setup code, as `pricefeed token setup-code` does.</summary>
    public async Task<string> NewSetupCodeAsync() =>
        SetupCode = await App.Services.GetRequiredService<PriceFeed.Tokens.OwnerAccess>().NewSetupCodeAsync(TestContext.Current.CancellationToken);

    public StringWriter Emf { get; }

    /// <summary>The watchlist the app was started with (Ingestion:Symbols); the CLI processes get the same.</summary>
    public string Symbols { get; private init; } = string.Empty;

    public string LakeDirectory => Path.Combine(DataDirectory, "lake");

    /// <summary>Stores credentials and logs in as XS00001 through the token API, like the morning routine.</summary>
    public async Task LogInAsync(string fyId = "XS00001", string code = "123456")
    {
        using var browser = NewBrowser();
        if (!(await browser.StatusAsync()).GetProperty("credentials").GetProperty("secretStored").GetBoolean())
        {
            await browser.SaveCredentialsAsync();
        }

        using var response = await browser.LoginAsync(fyId, code);
        var status = await browser.StatusAsync();
        Assert.Equal("valid", status.GetProperty("token").GetProperty("state").GetString());
    }

    public static async Task<TestApp> StartAsync(string? pathBase = null, Action<SandboxOptions>? sandbox = null, string? dataDirectory = null, DateTimeOffset? now = null, string symbols = "NSE:SBIN-EQ,NSE:NIFTY50-INDEX", bool manualClock = false, params string[] extraSettings)
    {
        var settings = new ServeSettings(FreePort.Next(), Sandbox: true, pathBase);
        var data = dataDirectory ?? Directory.CreateTempSubdirectory("pricefeed-test-").FullName;
        TimeProvider clock = manualClock ? new FakeTimeProvider(now ?? FridayMorning) : new JumpableClock(now ?? FridayMorning);
        var logs = new CollectingLoggerProvider();
        var sandboxOptions = SandboxOptions.WithDefaults(new Uri(settings.PageUrl, "callback"));
        sandboxOptions.Holidays = [.. PriceFeed.Calendar.MarketCalendar.Load(new()).FullClosures];
        sandbox?.Invoke(sandboxOptions);
        var emf = new StringWriter();
        var app = PriceFeedApp.Build(settings, [$"--Tokens:DataDirectory={data}", "--Ingestion:LocalScheduler=false", $"--Ingestion:Symbols={symbols}", .. extraSettings], services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton(new SandboxState(sandboxOptions, clock));
            services.AddSingleton<ILoggerProvider>(logs);
            services.AddSingleton(new PriceFeed.Ingestion.EmfMetrics(emf, clock));
        });
        await app.StartAsync();
        var test = new TestApp(app, settings, data, clock, logs, emf) { Symbols = symbols };
        if ((await app.Services.GetRequiredService<PriceFeed.Tokens.TokenVault>().ReadAsync(CancellationToken.None)).Binding is null)
        {
            await test.NewSetupCodeAsync();
        }

        return test;
    }

    /// <summary>The FYERS default redirect page some users register; the paste mode's address.</summary>
    public const string PasteRedirect = SandboxDefaults.FyersRedirect;

    public BrowserSession NewBrowser() => new(this);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
