using Microsoft.Extensions.DependencyInjection;
using PriceFeed.App.Tests.Support;
using PriceFeed.Ingestion;
using PriceFeed.Lake;

namespace PriceFeed.App.Tests.Ingestion;

/// <summary>The S3 sink with the real AWS SDK against npm s3rver. Slower (a Node process): Category=Emulator.</summary>
[Trait("Category", "Emulator")]
public sealed class S3SinkTests(S3rverFixture s3rver) : IClassFixture<S3rverFixture>
{
    private static readonly DateTimeOffset FridayEleven = new(2026, 11, 27, 11, 0, 30, TimeSpan.FromMinutes(330));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Intraday_IntoS3_MatchesTheLocalLakeByteForByte()
    {
        await using var local = await TestApp.StartAsync(now: FridayEleven);
        await using var cloud = await TestApp.StartAsync(
            now: FridayEleven,
            extraSettings: ["--Lake:Sink=s3", $"--Lake:Bucket={S3rverFixture.Bucket}", "--Lake:Prefix=test-a/", $"--Lake:ServiceUrl={s3rver.ServiceUrl}", "--Lake:ForcePathStyle=true", "--Lake:ChecksumsWhenRequired=true"]);
        await local.LogInAsync();
        await cloud.LogInAsync();

        Assert.Equal(RunStatus.Ok, (await local.App.Services.GetRequiredService<IngestionRunner>().RunIntradayAsync(Ct)).Status);
        Assert.Equal(RunStatus.Ok, (await cloud.App.Services.GetRequiredService<IngestionRunner>().RunIntradayAsync(Ct)).Status);

        var localSink = local.App.Services.GetRequiredService<IDataSink>();
        var s3Sink = cloud.App.Services.GetRequiredService<IDataSink>();
        Assert.IsType<S3DataSink>(s3Sink);
        var keys = await localSink.ListAsync("candles", Ct);
        Assert.NotEmpty(keys);
        Assert.Equal(keys, await s3Sink.ListAsync("candles", Ct));
        foreach (var key in keys)
        {
            Assert.Equal(await localSink.ReadAsync(key, Ct), await s3Sink.ReadAsync(key, Ct));
        }

        Assert.Equal(2 * 105, (await cloud.App.Services.GetRequiredService<CandleLake>().ReadAsync("1", new DateOnly(2026, 11, 27), Ct)).Count);
    }

    /// <summary>
    /// Issue 21: a day of ticks compacted into S3 without holding it in memory. 600,000 ticks (two row
    /// groups) go from the log to a local file, to S3 with their hash, and back to a file to count;
    /// a later log of the day is merged with the stored day fetched to a file. No temporary file is
    /// left behind.
    /// </summary>
    [Fact]
    public async Task TickCompaction_IntoS3_StreamsThroughFiles_AndMergesALaterLog()
    {
        await using var cloud = await TestApp.StartAsync(
            now: new DateTimeOffset(2026, 11, 27, 20, 0, 0, TimeSpan.FromMinutes(330)),
            extraSettings: ["--Lake:Sink=s3", $"--Lake:Bucket={S3rverFixture.Bucket}", "--Lake:Prefix=test-ticks/", $"--Lake:ServiceUrl={s3rver.ServiceUrl}", "--Lake:ForcePathStyle=true", "--Lake:ChecksumsWhenRequired=true"]);
        var compactor = cloud.App.Services.GetRequiredService<PriceFeed.Live.TickCompactor>();
        var sink = cloud.App.Services.GetRequiredService<IDataSink>();
        var day = new DateOnly(2026, 11, 27);
        var open = new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.FromMinutes(330));
        async Task LogAsync(int from, int count)
        {
            await using var log = new PriceFeed.Live.TickLog(compactor.LogFolder);
            for (var i = from; i < from + count; i++)
            {
                // 30 symbols, one tick each a second.
                log.Append(new PriceFeed.Live.LiveTick($"NSE:SYN{1000 + (i % 30)}-EQ", open.AddSeconds(i / 30), 100m + ((i % 700) * 0.05m), 1000 + i));
            }

            await log.FlushAsync();
        }

        string[] Temps() => Directory.GetFiles(Path.GetTempPath(), "pricefeed-ticks-*");
        static long SizeOf(string file)
        {
            try
            {
                return new FileInfo(file).Length;
            }
            catch (FileNotFoundException)
            {
                return 0; // another test's, gone meanwhile
            }
        }

        var tempsBefore = Temps();
        await LogAsync(0, 600_000);
        var first = await compactor.CompactAsync(day, Ct);
        await LogAsync(600_000, 1_000);
        var merged = await compactor.CompactAsync(day, Ct);

        Assert.Equal((600_000, 601_000), (first.Ticks, merged.Ticks));
        Assert.IsType<S3DataSink>(sink);
        var stored = (await sink.ReadAsync(merged.Key, Ct))!;
        Assert.Equal(merged.Bytes, stored.Length);
        Assert.Equal(PriceFeed.Lake.LakeHashes.Of(stored), (await PriceFeed.Lake.LakeHashes.RecordedAsync(sink, merged.Key, Ct))![0]);
        Assert.Equal(601_000, await PriceFeed.Live.TickParquet.ReadEachAsync(stored, Ct).CountAsync(Ct));
        // Its own temporary files (megabytes; other tests' running beside it are small) are gone.
        Assert.DoesNotContain(Temps().Except(tempsBefore), f => SizeOf(f) > 1_000_000);
    }

    [Fact]
    public async Task S3Sink_MissingKey_IsNullAndRewriteReplaces()
    {
        var options = new LakeOptions { Sink = LakeSinkKind.S3, Bucket = S3rverFixture.Bucket, Prefix = "test-b/", ServiceUrl = s3rver.ServiceUrl, ForcePathStyle = true, ChecksumsWhenRequired = true };
        using var client = S3DataSink.CreateClient(options);
        var sink = new S3DataSink(client, options);

        Assert.Null(await sink.ReadAsync("nope/part-000.parquet", Ct));
        await sink.WriteAsync("x/part-000.parquet", new byte[] { 1, 2, 3 }, Ct);
        await sink.WriteAsync("x/part-000.parquet", new byte[] { 4, 5 }, Ct);

        Assert.Equal(new byte[] { 4, 5 }, await sink.ReadAsync("x/part-000.parquet", Ct));
        Assert.Equal(["x/part-000.parquet"], await sink.ListAsync("x/", Ct));
    }
}
