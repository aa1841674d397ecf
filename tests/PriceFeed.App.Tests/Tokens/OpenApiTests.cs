using System.Text.Json;
using PriceFeed.App.Tests.Support;

namespace PriceFeed.App.Tests.Tokens;

public sealed class OpenApiTests
{
    [Fact]
    public async Task OpenApiDocument_DescribesTheTokenApiWithStableNames()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewBrowser();

        var doc = await browser.GetJsonAsync("openapi/v1.json");
        var paths = doc.GetProperty("paths");

        foreach (var (path, method, operation) in new[]
        {
            ("/api/status", "get", "GetStatus"),
            ("/api/credentials", "put", "PutCredentials"),
            ("/api/login", "post", "BeginLogin"),
            ("/api/tokens", "post", "StoreTokens"),
            ("/api/token/check", "post", "CheckToken"),
            ("/callback", "get", "Callback"),
        })
        {
            Assert.Equal(operation, paths.GetProperty(path).GetProperty(method).GetProperty("operationId").GetString());
        }

        Assert.True(paths.TryGetProperty("/healthz", out _));
        Assert.Equal(JsonValueKind.Object, doc.GetProperty("components").GetProperty("schemas").GetProperty("StatusResponse").ValueKind);
    }
}
