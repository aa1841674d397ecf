using Amazon.Runtime;
using System.Xml.Linq;
using Amazon.SimpleSystemsManagement;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PriceFeed.App.Tests.Support;
using PriceFeed.Tokens;

namespace PriceFeed.App.Tests.Tokens;

/// <summary>The SSM token store's real SDK traffic against a stateful SSM protocol fake.</summary>
public sealed class SsmTokenStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (SsmTokenStore Store, AmazonSimpleSystemsManagementClient Client) Create(SsmFake fake, string? kmsKeyId = null)
    {
        var client = new AmazonSimpleSystemsManagementClient(new BasicAWSCredentials("test", "test"), new AmazonSimpleSystemsManagementConfig { ServiceURL = fake.Url.AbsoluteUri, AuthenticationRegion = "ap-south-1" });
        return (new SsmTokenStore(client, Options.Create(new TokenStoreOptions { Project = "stock-pipeline", KmsKeyId = kmsKeyId }), TimeProvider.System), client);
    }

    [Fact]
    public async Task Put_ThenGet_RoundTripsSecureStringsUnderTheProjectPath()
    {
        await using var fake = await SsmFake.StartAsync();
        var (store, client) = Create(fake, kmsKeyId: "alias/pricefeed");
        using var _ = client;

        await store.PutAsync(new Dictionary<string, string> { ["access_token"] = "a.b.c", ["client_id"] = "ABCD1234-100" }, Ct);
        var values = await Create(fake).Store.GetAsync(["access_token", "client_id", "refresh_token"], Ct);

        Assert.Equal("a.b.c", values["access_token"]);
        Assert.False(values.ContainsKey("refresh_token"));
        var stored = fake.Parameters["/stock-pipeline/fyers/access_token"];
        Assert.Equal(("SecureString", "alias/pricefeed", 1), (stored.Type, stored.KeyId, stored.Version));
    }

    [Fact]
    public async Task Put_UnchangedValue_CreatesNoNewVersion()
    {
        await using var fake = await SsmFake.StartAsync();
        var (store, client) = Create(fake);
        using var _ = client;
        await store.PutAsync(new Dictionary<string, string> { ["access_token"] = "a.b.c" }, Ct);

        var unchanged = await store.PutAsync(new Dictionary<string, string> { ["access_token"] = "a.b.c" }, Ct);
        var changed = await store.PutAsync(new Dictionary<string, string> { ["access_token"] = "d.e.f" }, Ct);

        Assert.Empty(unchanged);
        Assert.Equal(["access_token"], changed);
        Assert.Equal(2, fake.Parameters["/stock-pipeline/fyers/access_token"].Version);
    }

    [Fact]
    public async Task Fake_PutWithoutOverwrite_IsRefusedLikeSsm()
    {
        await using var fake = await SsmFake.StartAsync();
        var (store, client) = Create(fake);
        using var _ = client;
        await store.PutAsync(new Dictionary<string, string> { ["client_id"] = "X" }, Ct);

        var error = await Assert.ThrowsAsync<Amazon.SimpleSystemsManagement.Model.ParameterAlreadyExistsException>(() =>
            client.PutParameterAsync(new() { Name = "/stock-pipeline/fyers/client_id", Value = "Y", Type = ParameterType.SecureString }, Ct));

        Assert.Contains("overwrite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_WritesTheTerraformPlaceholder_ReadAsAbsent()
    {
        await using var fake = await SsmFake.StartAsync();
        var (store, client) = Create(fake);
        using var _ = client;
        await store.PutAsync(new Dictionary<string, string> { ["bound_account"] = "A|B" }, Ct);

        await store.DeleteAsync(["bound_account"], Ct);

        Assert.Equal(SsmTokenStore.Placeholder, fake.Parameters["/stock-pipeline/fyers/bound_account"].Value);
        Assert.Empty(await Create(fake).Store.GetAsync(["bound_account"], Ct));
    }

    [Fact]
    public async Task Throttling_IsRetriedBySdk()
    {
        await using var fake = await SsmFake.StartAsync();
        var (store, client) = Create(fake);
        using var _ = client;
        fake.ThrottleNext(2);

        var values = await store.GetAsync(["access_token"], Ct);

        Assert.Empty(values);
        Assert.Equal(3, fake.Calls.Count(c => c == "AmazonSSM.GetParameters"));
    }

    [Fact]
    public async Task App_WithSsmStore_StoresTheLoginInSsm()
    {
        await using var fake = await SsmFake.StartAsync();
        await using var app = await TestApp.StartAsync(extraSettings: ["--Tokens:Store=ssm", $"--Tokens:SsmServiceUrl={fake.Url}"]);

        await app.LogInAsync();

        Assert.IsType<SsmTokenStore>(app.App.Services.GetRequiredService<ITokenStore>());
        Assert.StartsWith("eyJ", fake.Parameters["/stock-pipeline/fyers/access_token"].Value, StringComparison.Ordinal);
        Assert.Equal("SecureString", fake.Parameters["/stock-pipeline/fyers/app_secret"].Type);
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "stock-pipeline.tokens")));
    }

    [Fact]
    public async Task App_WithSsmStore_KeepsDataProtectionKeysInSsm_SoAnotherInstanceOpensItsCookies()
    {
        await using var fake = await SsmFake.StartAsync();
        string[] settings = ["--Tokens:Store=ssm", $"--Tokens:SsmServiceUrl={fake.Url}"];
        await using var first = await TestApp.StartAsync(extraSettings: settings);
        await using var second = await TestApp.StartAsync(extraSettings: settings);

        var sealedByFirst = first.App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("login state");
        var opened = second.App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(sealedByFirst);

        Assert.Equal("login state", opened);
        var key = Assert.Single(fake.Parameters.Values, p => p.Name.StartsWith("/stock-pipeline/app/data-protection/key-", StringComparison.Ordinal));
        Assert.Equal("SecureString", key.Type);
        Assert.StartsWith("<key id=", key.Value, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(first.DataDirectory, "keys")), "no key files on a Lambda's disk");
    }

    [Fact]
    public async Task SsmXmlRepository_ReadsEveryPage_AndNeverOverwritesAKey()
    {
        await using var fake = await SsmFake.StartAsync();
        using var client = new AmazonSimpleSystemsManagementClient(new BasicAWSCredentials("test", "test"), new AmazonSimpleSystemsManagementConfig { ServiceURL = fake.Url.AbsoluteUri, AuthenticationRegion = "ap-south-1", MaxErrorRetry = 0 });
        var repository = new SsmXmlRepository(client, "stock-pipeline", kmsKeyId: null);
        for (var i = 0; i < 12; i++)
        {
            repository.StoreElement(new XElement("key", new XAttribute("id", i)), $"key-{i:00}");
        }

        var all = repository.GetAllElements();

        Assert.Equal(Enumerable.Range(0, 12).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), all.Select(e => e.Attribute("id")!.Value).Order(StringComparer.Ordinal).OrderBy(int.Parse));
        Assert.Equal(2, fake.Calls.Count(c => c == "AmazonSSM.GetParametersByPath"));
        Assert.Throws<Amazon.SimpleSystemsManagement.Model.ParameterAlreadyExistsException>(() => repository.StoreElement(new XElement("key"), "key-00"));
    }
}
