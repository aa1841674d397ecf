using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Cli;
using PriceFeed.Ingestion;

namespace PriceFeed.App.Tests.Ingestion;

/// <summary>`pricefeed query` over a lake the jobs wrote, through DuckDB.</summary>
public sealed class QueryTests
{
    private static readonly DateTimeOffset FridayEleven = new(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Query_AfterIntraday_ShowsTheBarsPerSymbolWithPartitionColumns()
    {
        await using var app = await LakeWithTodaysBarsAsync();
        using var output = new StringWriter();

        var code = await QueryCommand.RunAsync(app.LakeDirectory, "SELECT symbol, count(*) AS bars, min(minute_ist) AS first_minute, any_value(source) AS source, any_value(\"date\") AS day FROM candles WHERE resolution = '1' GROUP BY symbol ORDER BY symbol", null, output, TextWriter.Null, Ct);

        Assert.Equal(ExitCodes.Ok, code);
        var lines = output.ToString().Split('\n');
        Assert.Contains(lines, l => l.StartsWith("NSE:NIFTY50-INDEX | 105  | 555          | sandbox | 2026-11-27", StringComparison.Ordinal));
        Assert.Contains("(2 rows)", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_Csv_ExportsEveryRow()
    {
        await using var app = await LakeWithTodaysBarsAsync();
        var csv = Path.Combine(Directory.CreateTempSubdirectory("export-").FullName, "out.csv");

        var code = await QueryCommand.RunAsync(app.LakeDirectory, "SELECT symbol, ts_utc, close FROM candles ORDER BY symbol, ts_utc", csv, TextWriter.Null, TextWriter.Null, Ct, new(app.DataDirectory));

        Assert.Equal(ExitCodes.Ok, code);
        var lines = await File.ReadAllLinesAsync(csv, Ct);
        Assert.Equal("symbol,ts_utc,close", lines[0]);
        Assert.Equal(1 + 210, lines.Length);
    }

    [Fact]
    public async Task Query_EmptyLake_SaysWhatToRunFirst()
    {
        using var error = new StringWriter();
        var empty = Directory.CreateTempSubdirectory("lake-").FullName;

        var code = await QueryCommand.RunAsync(empty, "SELECT 1", null, TextWriter.Null, error, Ct);

        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("pricefeed backfill", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_BadSql_IsAnErrorWithDuckDbsReason()
    {
        await using var app = await LakeWithTodaysBarsAsync();
        using var error = new StringWriter();

        var code = await QueryCommand.RunAsync(app.LakeDirectory, "SELECT nope FROM candles", null, TextWriter.Null, error, Ct);

        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("nope", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>No statement can create, replace or delete anything in the lake; the day file stays byte for byte.</summary>
    [Theory]
    [InlineData("COPY (SELECT 1 AS x) TO '{day}' (FORMAT parquet)")]
    [InlineData("SELECT 1; COPY (SELECT 1 AS x) TO '{day}' (FORMAT parquet)")]
    [InlineData("CREATE TABLE t AS SELECT * FROM candles")]
    [InlineData("ATTACH '{lake}/x.db' AS x")]
    [InlineData("INSTALL httpfs")]
    public async Task Query_StatementThatWrites_IsRefusedAndTheLakeIsUnchanged(string statement)
    {
        await using var app = await LakeWithTodaysBarsAsync();
        var day = Path.Combine(app.LakeDirectory, "candles", "resolution=1", "date=2026-11-27", "part-000.parquet");
        var before = await File.ReadAllBytesAsync(day, Ct);
        using var error = new StringWriter();

        var code = await QueryCommand.RunAsync(app.LakeDirectory, statement.Replace("{day}", day, StringComparison.Ordinal).Replace("{lake}", app.LakeDirectory, StringComparison.Ordinal), null, TextWriter.Null, error, Ct);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("Only queries that read run here", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(day, Ct));
        Assert.Equal(["part-000.parquet"], Directory.GetFiles(Path.GetDirectoryName(day)!).Select(Path.GetFileName));
        Assert.False(File.Exists(Path.Combine(app.LakeDirectory, "x.db")));
    }

    [Fact]
    public async Task Query_CsvIntoTheLake_IsRefused()
    {
        await using var app = await LakeWithTodaysBarsAsync();
        var day = Path.Combine(app.LakeDirectory, "candles", "resolution=1", "date=2026-11-27", "part-000.parquet");
        var before = await File.ReadAllBytesAsync(day, Ct);
        using var error = new StringWriter();

        var code = await QueryCommand.RunAsync(app.LakeDirectory, "SELECT 1", day, TextWriter.Null, error, Ct);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("inside the lake", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(day, Ct));
    }

    /// <summary>Issue 19: the export's real path is checked, not its text: a link to a day file, a link to the lake's folder, '..', and the data folder.</summary>
    [Fact]
    public async Task Query_CsvThroughALinkOrDotDot_IntoTheLakeOrDataFolder_IsRefused_AndNothingChanges()
    {
        await using var app = await LakeWithTodaysBarsAsync();
        var day = Path.Combine(app.LakeDirectory, "candles", "resolution=1", "date=2026-11-27", "part-000.parquet");
        var before = await File.ReadAllBytesAsync(day, Ct);
        var outside = Directory.CreateTempSubdirectory("export-").FullName;
        File.CreateSymbolicLink(Path.Combine(outside, "day.csv"), day);
        Directory.CreateSymbolicLink(Path.Combine(outside, "lake"), app.LakeDirectory);
        var rules = new QueryCommand.ExportRules(app.DataDirectory);

        foreach (var target in new[] { Path.Combine(outside, "day.csv"), Path.Combine(outside, "lake", "x.csv"), Path.Combine(outside, "lake", "..", "lake", "y.csv"), Path.Combine(app.DataDirectory, "tokens.csv") })
        {
            using var error = new StringWriter();
            var code = await QueryCommand.RunAsync(app.LakeDirectory, "SELECT 1", target, TextWriter.Null, error, Ct, rules);

            Assert.Equal(ExitCodes.Usage, code);
            Assert.Contains("write the export somewhere else", error.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await File.ReadAllBytesAsync(day, Ct));
        Assert.False(File.Exists(Path.Combine(app.LakeDirectory, "x.csv")));
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "tokens.csv")));
    }

    [Fact]
    public async Task Query_CsvOverAnExistingFile_NeedsForce()
    {
        await using var app = await LakeWithTodaysBarsAsync();
        var csv = Path.Combine(Directory.CreateTempSubdirectory("export-").FullName, "out.csv");
        await File.WriteAllTextAsync(csv, "keep me", Ct);
        using var error = new StringWriter();

        var refused = await QueryCommand.RunAsync(app.LakeDirectory, "SELECT 1 AS one", csv, TextWriter.Null, error, Ct, new(app.DataDirectory));
        var kept = await File.ReadAllTextAsync(csv, Ct);
        var forced = await QueryCommand.RunAsync(app.LakeDirectory, "SELECT 1 AS one", csv, TextWriter.Null, TextWriter.Null, Ct, new(app.DataDirectory, Force: true));

        Assert.Equal(ExitCodes.Usage, refused);
        Assert.Contains("--force", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("keep me", kept);
        Assert.Equal(ExitCodes.Ok, forced);
        Assert.StartsWith("one", await File.ReadAllTextAsync(csv, Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_WithAndValues_StillRun()
    {
        await using var app = await LakeWithTodaysBarsAsync();
        using var output = new StringWriter();

        var code = await QueryCommand.RunAsync(app.LakeDirectory, "WITH s AS (SELECT DISTINCT symbol FROM candles) SELECT count(*) AS n FROM s UNION ALL VALUES (7)", null, output, TextWriter.Null, Ct);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("(2 rows)", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 20: the examples of docs/data-lake.md, as written there: daily bars by resolution = 'D'
    /// (the partition column is text, not BIGINT) and 15-minute bars labelled in IST, not UTC.
    /// </summary>
    [Fact]
    public async Task Query_TheDocsExamples_RunAsDocumented()
    {
        await using var app = await LakeWithTodaysBarsAsync();
        using var none = new StringWriter();
        using var daily = new StringWriter();
        using var buckets = new StringWriter();

        // Only 1-minute folders yet: asking for daily bars is no rows, not a conversion error.
        var noneCode = await QueryCommand.RunAsync(app.LakeDirectory, await DocsExamples.QueryAsync("Daily bars of every symbol"), null, none, TextWriter.Null, Ct);
        Assert.Equal(ExitCodes.Ok, noneCode);
        Assert.Contains("(0 rows)", none.ToString(), StringComparison.Ordinal);
        await app.App.Services.GetRequiredService<IngestionRunner>().RunEndOfDayAsync(new DateOnly(2026, 11, 26), Ct);

        var dailyCode = await QueryCommand.RunAsync(app.LakeDirectory, await DocsExamples.QueryAsync("Daily bars of every symbol"), null, daily, TextWriter.Null, Ct);
        var bucketCode = await QueryCommand.RunAsync(app.LakeDirectory, await DocsExamples.QueryAsync("15-minute bars from 1-minute bars, in IST"), null, buckets, TextWriter.Null, Ct);

        Assert.Equal((ExitCodes.Ok, ExitCodes.Ok), (dailyCode, bucketCode));
        Assert.Contains("(2 rows)", daily.ToString(), StringComparison.Ordinal);
        Assert.Contains("2026-11-26 09:15:00", buckets.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("03:45:00", buckets.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The sandbox app after a login and one intraday run: 105 bars of two symbols on 27 Nov.</summary>
    private static async Task<TestApp> LakeWithTodaysBarsAsync()
    {
        var app = await TestApp.StartAsync(now: FridayEleven);
        await app.LogInAsync();
        await app.App.Services.GetRequiredService<IngestionRunner>().RunIntradayAsync(Ct);
        return app;
    }
}
