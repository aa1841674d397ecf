using PriceFeed.Coverage;
using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Cli;
using PriceFeed.Ingestion;
using PriceFeed.Lake;

namespace PriceFeed.App.Tests.Ingestion;

/// <summary><c>pricefeed verify [--repair]</c> proves a lake whole, and restores a damaged one to the exact rows.</summary>
public sealed class VerifyTests
{
    /// <summary>Monday 11 May 2026, 08:00 IST: the backfilled week (4-8 May) is the lake's whole past, so verify judges every day of it and no other.</summary>
    private static readonly DateTimeOffset MondayAfterTheWeek = new(2026, 5, 11, 8, 0, 0, TimeSpan.FromMinutes(330));
    private static readonly BackfillRequest MayWeek = new(new DateOnly(2026, 5, 4), new DateOnly(2026, 5, 8), ["NSE:SBIN-EQ", "NSE:NIFTY50-INDEX"], ["1"], null);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verify_CorruptFileAndDeletedDay_AreFound_AndRepairRestoresTheExactRows()
    {
        await using var app = await TestApp.StartAsync(now: MondayAfterTheWeek);
        await app.LogInAsync();
        var runner = app.App.Services.GetRequiredService<IngestionRunner>();
        Assert.Equal(RunStatus.Ok, (await runner.RunBackfillAsync(MayWeek, null, Ct)).Status);
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
        await using var app = await TestApp.StartAsync(now: MondayAfterTheWeek);
        await app.LogInAsync();
        Assert.Equal(RunStatus.Ok, (await app.App.Services.GetRequiredService<IngestionRunner>().RunBackfillAsync(MayWeek, null, Ct)).Status);
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

    /// <summary>Issue 19: one flipped byte anywhere in a stored file is found by its recorded hash (even where Parquet still reads it), and repair restores the exact rows.</summary>
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.95)]
    public async Task Verify_ASingleFlippedByte_IsFound_AndRepairRestoresTheExactRows(double where)
    {
        await using var app = await TestApp.StartAsync(now: MondayAfterTheWeek);
        await app.LogInAsync();
        var runner = app.App.Services.GetRequiredService<IngestionRunner>();
        Assert.Equal(RunStatus.Ok, (await runner.RunBackfillAsync(MayWeek, null, Ct)).Status);
        var reference = await AllRowsAsync(app);
        var file = Path.Combine(app.LakeDirectory, "candles", "resolution=1", "date=2026-05-06", "part-000.parquet");
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        bytes[(int)(bytes.Length * where)] ^= 0x01;
        await File.WriteAllBytesAsync(file, bytes, Ct);
        var verifier = app.App.Services.GetRequiredService<LakeVerifier>();

        var found = await verifier.CheckAsync(Ct);
        var repaired = await verifier.RepairAsync(found, request => runner.RunBackfillAsync(request, null, Ct), Ct);

        Assert.False(found.IsWhole);
        Assert.Equal("candles/resolution=1/date=2026-05-06/part-000.parquet: its bytes are not the ones written (SHA-256 differs from the record): damaged since", Assert.Single(found.Unreadable));
        Assert.True(repaired.IsWhole, string.Join("; ", repaired.Gaps.Concat(repaired.GivenUp)) + string.Join("; ", repaired.Unreadable));
        Assert.Equal(reference, await AllRowsAsync(app));
        Assert.True(File.Exists(Path.Combine(app.LakeDirectory, "quarantine", "unreadable", "candles", "resolution=1", "date=2026-05-06", "part-000.parquet")));
    }

    /// <summary>Issue 19: a day missing its start, its middle or its end is named with the minutes it lacks.</summary>
    [Theory]
    [InlineData(9, 15, 10, 0, "lacks 09:15-09:59 (45 of 375 bars)")]
    [InlineData(10, 32, 11, 44, "lacks 10:32-11:43 (72 of 375 bars)")]
    [InlineData(14, 0, 15, 30, "lacks 14:00-15:29 (90 of 375 bars)")]
    public async Task Verify_ADayWithMissingMinutes_IsNotWhole_AndNamesThem(int fromHour, int fromMinute, int toHour, int toMinute, string lacks)
    {
        await using var app = await TestApp.StartAsync(now: MondayAfterTheWeek);
        await app.LogInAsync();
        Assert.Equal(RunStatus.Ok, (await app.App.Services.GetRequiredService<IngestionRunner>().RunBackfillAsync(MayWeek, null, Ct)).Status);
        var day = new DateOnly(2026, 5, 6);
        var cut = (From: new DateTimeOffset(2026, 5, 6, fromHour, fromMinute, 0, TimeSpan.FromMinutes(330)).ToUnixTimeSeconds(), To: new DateTimeOffset(2026, 5, 6, toHour, toMinute, 0, TimeSpan.FromMinutes(330)).ToUnixTimeSeconds());
        var rows = (await app.App.Services.GetRequiredService<CandleLake>().ReadAsync("1", day, Ct))
            .Where(r => r.Symbol != "NSE:NIFTY50-INDEX" || r.TsUtc < cut.From || r.TsUtc >= cut.To)
            .OrderBy(r => r.Symbol, StringComparer.Ordinal).ThenBy(r => r.TsUtc).ToArray();
        // Written through the lake's own path (hash recorded): the file is sound, the day is not.
        var sink = app.App.Services.GetRequiredService<IDataSink>();
        await LakeHashes.WriteAsync(sink, LakeKeys.Candles("1", day), await CandleParquet.WriteSortedAsync(new ArraySegment<CandleRow>(rows), Ct), Ct);

        var found = await app.App.Services.GetRequiredService<LakeVerifier>().CheckAsync(Ct);

        Assert.False(found.IsWhole);
        Assert.Empty(found.Unreadable);
        var gap = Assert.Single(found.Gaps);
        Assert.Equal(("NSE:NIFTY50-INDEX", day, lacks), (gap.Symbol, gap.Date, gap.Reason));
    }

    /// <summary>Issue 19: a backfill killed after some days leaves the rest missing up to the last finished session, not "whole".</summary>
    [Fact]
    public async Task Verify_ALakeThatStopsBeforeYesterday_ListsEveryDayAfterIt()
    {
        await using var app = await TestApp.StartAsync(now: MondayAfterTheWeek);
        await app.LogInAsync();
        Assert.Equal(RunStatus.Ok, (await app.App.Services.GetRequiredService<IngestionRunner>().RunBackfillAsync(MayWeek with { To = new DateOnly(2026, 5, 5) }, null, Ct)).Status);
        File.WriteAllText(Path.Combine(app.LakeDirectory, "candles", "resolution=1", "date=2026-05-05", "part-000.parquet.0123.tmp"), "half a write");

        var found = await app.App.Services.GetRequiredService<LakeVerifier>().CheckAsync(Ct);

        Assert.Equal(
            ["NSE:NIFTY50-INDEX 2026-05-06", "NSE:NIFTY50-INDEX 2026-05-07", "NSE:NIFTY50-INDEX 2026-05-08", "NSE:SBIN-EQ 2026-05-06", "NSE:SBIN-EQ 2026-05-07", "NSE:SBIN-EQ 2026-05-08"],
            found.Gaps.Select(g => $"{g.Symbol} {g.Date:yyyy-MM-dd}").Order(StringComparer.Ordinal));
        Assert.Equal(["candles/resolution=1/date=2026-05-05/part-000.parquet.0123.tmp"], found.TemporaryFiles);
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
