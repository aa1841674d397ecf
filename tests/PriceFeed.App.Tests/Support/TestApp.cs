using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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

    private TestApp(WebApplication app, ServeSettings settings, string dataDirectory, JumpableClock clock, CollectingLoggerProvider logs)
    {
        App = app;
        Settings = settings;
        DataDirectory = dataDirectory;
        Clock = clock;
        Logs = logs;
        Sandbox = app.Services.GetRequiredService<SandboxState>();
    }

    public WebApplication App { get; }

    public ServeSettings Settings { get; }

    public string DataDirectory { get; }

    public JumpableClock Clock { get; }

    public CollectingLoggerProvider Logs { get; }

    public SandboxState Sandbox { get; }

    /// <summary>The page, e.g. http://127.0.0.1:port/ or http://127.0.0.1:port/prod/.</summary>
    public Uri PageUrl => Settings.PageUrl;

    public Uri CallbackUrl => new(PageUrl, "callback");

    public static async Task<TestApp> StartAsync(string? pathBase = null, Action<SandboxOptions>? sandbox = null, string? dataDirectory = null)
    {
        var settings = new ServeSettings(FreePort.Next(), Sandbox: true, pathBase);
        var data = dataDirectory ?? Directory.CreateTempSubdirectory("pricefeed-test-").FullName;
        var clock = new JumpableClock(FridayMorning);
        var logs = new CollectingLoggerProvider();
        var sandboxOptions = SandboxOptions.WithDefaults(new Uri(settings.PageUrl, "callback"));
        sandboxOptions.Apps[0].RedirectUris.Add(PasteRedirect);
        sandbox?.Invoke(sandboxOptions);
        var app = PriceFeedApp.Build(settings, [$"--Tokens:DataDirectory={data}"], services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton(new SandboxState(sandboxOptions, clock));
            services.AddSingleton<ILoggerProvider>(logs);
        });
        await app.StartAsync();
        return new TestApp(app, settings, data, clock, logs);
    }

    /// <summary>The FYERS default redirect page some users register; the paste mode's address.</summary>
    public const string PasteRedirect = "https://trade.fyers.in/api-login/redirect-uri/index.html";

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
