using PriceFeed.Fyers;
using PriceFeed.Ingestion;
using PriceFeed.Tokens;

namespace PriceFeed.Hosting;

/// <summary>The one registration path every PriceFeed host takes, web server and CLI alike.</summary>
internal static class PriceFeedServices
{
    /// <param name="sandboxOrigin">The server whose /sandbox/fyers the FYERS client talks to; null for the real FYERS hosts.</param>
    public static IServiceCollection AddPriceFeed(this IServiceCollection services, IConfiguration configuration, Uri? sandboxOrigin)
    {
        services.AddFyersClient(configuration, options =>
        {
            if (sandboxOrigin is not null)
            {
                ServeSettings.UseSandboxAt(options, sandboxOrigin);
            }
        });
        services.AddSingleton(sp => Home.DataFolder.Resolve(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Tokens.TokenStoreOptions>>().Value.DataDirectory));
        services.AddTokenVault(configuration);
        services.AddIngestion(configuration);
        Coverage.DataEndpoints.AddCoverage(services);
        services.AddSingleton<Live.LiveClock>();
        services.AddSingleton<Live.LiveFeed>();
        services.AddSingleton<Live.TickCompactor>();
        services.AddSingleton<Live.LiveReconciler>();
        services.AddSingleton<Ingestion.IStreamedDayCheck>(sp => sp.GetRequiredService<Live.LiveReconciler>());
        services.AddOptions<Live.StreamShiftOptions>().Bind(configuration.GetSection(Live.StreamShiftOptions.SectionName));
        services.AddSingleton<Live.StreamShift>();
        services.AddSingleton<Ingestion.IEventJob, Live.StreamShiftEvent>();
        services.AddSingleton<Ingestion.IEndOfDayStep>(sp => sp.GetRequiredService<Live.TickCompactor>());
        return services;
    }
}
