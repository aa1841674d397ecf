using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PriceFeed.Fyers.Auth;
using PriceFeed.Fyers.Data;

namespace PriceFeed.Fyers.Tests.Support;

/// <summary>The production client wiring with FYERS replaced by a recorded body: for golden parsing tests.</summary>
internal sealed class ReplayClient : IDisposable
{
    private readonly ServiceProvider services;

    public ReplayClient(string goldenFile, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", goldenFile)).TrimEnd('\n');
        Handler = new ReplayHandler(status, body);
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.ClearProviders());
        collection.AddFyersClient(configure: o =>
        {
            o.MaxRetryAttempts = 0;
            o.AuthBaseUri = new Uri("https://api-t1.fyers.in/api/v3/");
            o.DataBaseUri = new Uri("https://api-t1.fyers.in/data/");
        });
        collection.AddHttpClient<FyersDataClient>().ConfigurePrimaryHttpMessageHandler(() => Handler);
        collection.AddHttpClient<FyersAuthClient>().ConfigurePrimaryHttpMessageHandler(() => Handler);
        services = collection.BuildServiceProvider();
    }

    public static FyersCredentials Credentials { get; } = new("ABCD1234-100", "header.payload.signature");

    public ReplayHandler Handler { get; }

    public FyersDataClient Data => services.GetRequiredService<FyersDataClient>();

    public FyersAuthClient Auth => services.GetRequiredService<FyersAuthClient>();

    public void Dispose() => services.Dispose();

    internal sealed class ReplayHandler(HttpStatusCode status, string body) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json"), RequestMessage = request });
        }
    }
}
