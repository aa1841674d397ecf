using Microsoft.Playwright;

namespace PriceFeed.Browser.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright (never 'playwright install': it downloads browsers). The
/// flags keep Chromium from phoning home on a machine without a network.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: artifacts/screenshots at the repository root, kept as test output.</summary>
    public static string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"Browser tests need Debian's Chromium at {ExecutablePath}: run 'apt-get install -y chromium' (scripts/test.sh does).");
        }

        // Assertions poll; on a 2-core CI machine a login redirect chain can take longer than the
        // 5 s default, and a slow pass must not read as a failure.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }

    private static string FindScreenshotDirectory()
    {
        var path = PriceFeed.Testing.RepoPaths.Of("artifacts", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }
}
