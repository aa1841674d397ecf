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
