using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Cli;
using PriceFeed.Ingestion;
using PriceFeed.Lake;

namespace PriceFeed.App.Tests.Ingestion;

/// <summary><c>pricefeed verify [--repair]</c> proves a lake whole, and restores a damaged one to the exact rows.</summary>
public sealed class VerifyTests
{
    private static readonly DateTimeOffset FridayEleven = new(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330));
    private static readonly BackfillRequest MayWeek = new(new DateOnly(2026, 5, 4), new DateOnly(2026, 5, 8), ["NSE:SBIN-EQ", "NSE:NIFTY50-INDEX"], ["1"], null);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verify_CorruptFileAndDeletedDay_AreFound_AndRepairRestoresTheExactRows()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();
        var runner = app.App.Services.GetRequiredService<IngestionRunner>();
        Assert.Equal(RunReport.Ok, (await runner.RunBackfillAsync(MayWeek, null, Ct)).Status);
        var reference = await AllRowsAsync(app);
        var verifier = app.App.Services.GetRequiredService<LakeVerifier>();
        Assert.True((await verifier.CheckAsync(Ct)).IsWhole);

        var corrupt = Path.Combine(app.LakeDirectory, "candles", "resolution=1", "date=2026-05-05", "part-000.parquet");
        await File.WriteAllTextAsync(corrupt, "damaged", Ct);
        File.Delete(Path.Combine(app.LakeDirectory, "candles", "resolution=1", "date=2026-05-07", "part-000.parquet"));

        var found = await verifier.CheckAsync(Ct);
        var repaired = await verifier.RepairAsync(found, request => runner.RunBackfillAsync(request, null, Ct), Ct);

        Assert.False(found.IsWhole);
        Assert.Contains("candles/resolution=1/date=2026-05-05/part-000.parquet", Assert.Single(found.Unreadable), StringComparison.Ordinal);
        Assert.Equal(
            ["NSE:NIFTY50-INDEX 2026-05-05", "NSE:NIFTY50-INDEX 2026-05-07", "NSE:SBIN-EQ 2026-05-05", "NSE:SBIN-EQ 2026-05-07"],
            found.Gaps.Select(g => $"{g.Symbol} {g.Date:yyyy-MM-dd}").Order(StringComparer.Ordinal));
        Assert.Single(found.LedgersDoneOverGaps); // the backfill's ledger called those days done
        Assert.True(repaired.IsWhole, string.Join("; ", repaired.Gaps));
        Assert.Equal(reference, await AllRowsAsync(app));
        Assert.Equal("damaged", await File.ReadAllTextAsync(Path.Combine(app.LakeDirectory, "quarantine", "unreadable", "candles", "resolution=1", "date=2026-05-05", "part-000.parquet"), Ct));
    }

    [Fact]
    public async Task VerifyCommand_NotWhole_ExitsOneListingTheDay_RepairExitsZero()
    {
        await using var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();
        Assert.Equal(RunReport.Ok, (await app.App.Services.GetRequiredService<IngestionRunner>().RunBackfillAsync(MayWeek, null, Ct)).Status);
        File.Delete(Path.Combine(app.LakeDirectory, "candles", "resolution=1", "date=2026-05-06", "part-000.parquet"));

        var check = await CliProcess.RunAsync(app, "verify");
        var repair = await CliProcess.RunAsync(app, "verify", "--repair");
        var again = await CliProcess.RunAsync(app, "verify");

        Assert.Equal(ExitCodes.Error, check.ExitCode);
        Assert.Contains("missing: NSE:SBIN-EQ 2026-05-06", check.Output, StringComparison.Ordinal);
        Assert.True(repair.ExitCode == ExitCodes.Ok, repair.Output);
        Assert.True(again.ExitCode == ExitCodes.Ok, again.Output);
        Assert.Contains("The lake is whole.", again.Output, StringComparison.Ordinal);
    }

    private static async Task<List<string>> AllRowsAsync(TestApp app)
    {
        var lake = app.App.Services.GetRequiredService<CandleLake>();
        var rows = new List<string>();
        for (var day = new DateOnly(2026, 5, 4); day <= new DateOnly(2026, 5, 8); day = day.AddDays(1))
        {
            rows.AddRange((await lake.ReadAsync("1", day, Ct)).Select(r => r.ToString()));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
