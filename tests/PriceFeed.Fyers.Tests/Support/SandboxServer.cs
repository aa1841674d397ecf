using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PriceFeed.Sandbox;

namespace PriceFeed.Fyers.Tests.Support;

/// <summary>The FYERS sandbox on a real Kestrel port, so every test crosses real HTTP.</summary>
internal sealed class SandboxServer : IAsyncDisposable
{
    public const string Prefix = "/fyers";
    public static readonly Uri RedirectUri = new("https://pricefeed.example/callback");

    private readonly WebApplication app;

    private SandboxServer(WebApplication app, Uri origin)
    {
        this.app = app;
        Origin = origin;
        State = app.Services.GetRequiredService<SandboxState>();
    }

    public Uri Origin { get; }

    public SandboxState State { get; }

    public Uri AuthBase => new(Origin, Prefix.TrimStart('/') + "/api/v3/");

    public Uri DataBase => new(Origin, Prefix.TrimStart('/') + "/data/");

    public static async Task<SandboxServer> StartAsync(Action<SandboxOptions>? configure = null, TimeProvider? time = null)
    {
        var options = SandboxOptions.WithDefaults(RedirectUri);
        configure?.Invoke(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddFyersSandbox(options, time);
        var app = builder.Build();
        app.UseWebSockets();
        app.MapFyersSandbox(Prefix);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SandboxServer(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>A FYERS client wired as production wires it, pointed here.</summary>
    public FyersTestClient CreateClient(Action<FyersOptions>? configure = null, TimeProvider? clientTime = null) =>
        new(this, configure, clientTime);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
