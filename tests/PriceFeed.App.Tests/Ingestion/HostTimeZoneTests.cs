using System.Diagnostics;
using PriceFeed.App.Tests.Support;
using PriceFeed.Lake;

namespace PriceFeed.App.Tests.Ingestion;

/// <summary>
/// The published CLI run twice as separate processes, once with TZ=UTC (Lambda, CI) and once with
/// TZ=Asia/Kolkata (a laptop in India): the lakes they write must be identical (fyers-protocol.md §13.7).
/// </summary>
public sealed class HostTimeZoneTests
{
    [Fact]
    public async Task Backfill_OnUtcAndIstHosts_WritesIdenticalLakes()
    {
        await using var app = await TestApp.StartAsync();
        await app.LogInAsync();
        var utcLake = Path.Combine(app.DataDirectory, "lake-utc");
        var istLake = Path.Combine(app.DataDirectory, "lake-ist");

        var utc = await RunCliAsync(app, "UTC", utcLake);
        var ist = await RunCliAsync(app, "Asia/Kolkata", istLake);

        Assert.True(utc.ExitCode == 0, utc.Output);
        Assert.True(ist.ExitCode == 0, ist.Output);
        var utcKeys = await new LocalDataSink(utcLake).ListAsync("candles", TestContext.Current.CancellationToken);
        var istKeys = await new LocalDataSink(istLake).ListAsync("candles", TestContext.Current.CancellationToken);
        Assert.Equal(3, utcKeys.Count); // 23, 25 and 26 Nov; the 24th is Guru Nanak Jayanti
        Assert.Equal(utcKeys, istKeys);
        Assert.Contains("candles/resolution=1/date=2026-11-23/part-000.parquet", utcKeys);
        foreach (var key in utcKeys)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(utcLake, key), TestContext.Current.CancellationToken), await File.ReadAllBytesAsync(Path.Combine(istLake, key), TestContext.Current.CancellationToken));
        }
    }

    private static async Task<(int ExitCode, string Output)> RunCliAsync(TestApp app, string timeZone, string lake)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "pricefeed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "backfill", "--from", "2026-11-23", "--to", "2026-11-26", "--symbols", "NSE:SBIN-EQ", "--sandbox", app.Settings.Origin.AbsoluteUri })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["TZ"] = timeZone;
        ProcessClock.StartAt(start, app.Clock.GetUtcNow());
        start.Environment["Tokens__DataDirectory"] = app.DataDirectory;
        start.Environment["Ingestion__LakeDirectory"] = lake;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }
}
