using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using PriceFeed.Tokens;

namespace PriceFeed.App.Tests.Tokens;

public sealed class LocalTokenStoreTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("pricefeed-store-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Put_UnchangedValue_IsANoOpOnDisk()
    {
        var store = Create();
        await store.PutAsync(new Dictionary<string, string> { ["access_token"] = "a.b.c", ["client_id"] = "ABCD1234-100" }, Ct);
        var bytes = await File.ReadAllBytesAsync(store.FilePath, Ct);

        var changed = await store.PutAsync(new Dictionary<string, string> { ["access_token"] = "a.b.c" }, Ct);

        Assert.Empty(changed);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(store.FilePath, Ct));
    }

    [Fact]
    public async Task Put_ChangedValue_ReportsOnlyWhatChanged()
    {
        var store = Create();
        await store.PutAsync(new Dictionary<string, string> { ["access_token"] = "a.b.c", ["client_id"] = "ABCD1234-100" }, Ct);

        var changed = await store.PutAsync(new Dictionary<string, string> { ["access_token"] = "d.e.f", ["client_id"] = "ABCD1234-100" }, Ct);

        Assert.Equal(["access_token"], changed);
    }

    [Fact]
    public async Task SecondInstance_SameFolder_ReadsWhatTheFirstWrote()
    {
        await Create().PutAsync(new Dictionary<string, string> { ["app_secret"] = "s3cret" }, Ct);

        var values = await Create().GetAsync(["app_secret", "access_token"], Ct);

        Assert.Equal("s3cret", values["app_secret"]);
        Assert.False(values.ContainsKey("access_token"));
    }

    [Fact]
    public async Task ConcurrentWriters_LoseNoValue()
    {
        var a = Create();
        var b = Create();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? a : b).PutAsync(new Dictionary<string, string> { [$"k{i}"] = $"v{i}" }, Ct)));

        var all = await Create().GetAsync([.. Enumerable.Range(0, 20).Select(i => $"k{i}")], Ct);
        Assert.Equal(20, all.Count);
    }

    [Fact]
    public async Task LostKeys_GiveAnActionableErrorAndKeepTheFile()
    {
        var store = Create();
        await store.PutAsync(new Dictionary<string, string> { ["access_token"] = "a.b.c" }, Ct);
        Directory.Delete(Path.Combine(directory.FullName, "keys"), recursive: true);

        var error = await Assert.ThrowsAsync<TokenStoreException>(() => Create().GetAsync(["access_token"], Ct));

        Assert.Contains("keys", error.Message, StringComparison.Ordinal);
        Assert.Contains("log in again", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(store.FilePath));
    }

    [Fact]
    public async Task Delete_RemovesOnlyTheNamed()
    {
        var store = Create();
        await store.PutAsync(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, Ct);

        await store.DeleteAsync(["a", "missing"], Ct);

        Assert.Equal(["b"], (await store.GetAsync(["a", "b"], Ct)).Keys);
    }

    public void Dispose() => directory.Delete(recursive: true);

    private LocalTokenStore Create()
    {
        var keys = Directory.CreateDirectory(Path.Combine(directory.FullName, "keys"));
        var provider = DataProtectionProvider.Create(keys, b => b.SetApplicationName("PriceFeed"));
        return new LocalTokenStore(provider, Options.Create(new TokenStoreOptions { DataDirectory = directory.FullName }));
    }
}
