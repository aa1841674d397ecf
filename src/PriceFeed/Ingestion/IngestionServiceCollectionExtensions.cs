using Microsoft.Extensions.Options;
using PriceFeed.Calendar;
using PriceFeed.Lake;
using PriceFeed.Tokens;

namespace PriceFeed.Ingestion;

internal static class IngestionServiceCollectionExtensions
{
    /// <summary>The price feed: calendar, lake (local folder by default), jobs, metrics.</summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IngestionOptions>().Bind(configuration.GetSection(IngestionOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IngestionOptions>, IngestionOptionsValidator>();
        services.AddOptions<CalendarOptions>().Bind(configuration.GetSection(CalendarOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CalendarOptions>, CalendarOptionsValidator>();
        services.AddSingleton(sp => MarketCalendar.Load(sp.GetRequiredService<IOptions<CalendarOptions>>().Value));
        services.AddSingleton<HolidaySource>();
        services.AddOptions<LakeOptions>().Bind(configuration.GetSection(LakeOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LakeOptions>, LakeOptionsValidator>();
        services.AddSingleton<IDataSink>(sp =>
        {
            var lake = sp.GetRequiredService<IOptions<LakeOptions>>().Value;
            if (lake.Sink == LakeSinkKind.S3)
            {
                return new S3DataSink(S3DataSink.CreateClient(lake), lake, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<S3DataSink>>());
            }

            var ingestion = sp.GetRequiredService<IOptions<IngestionOptions>>().Value;
            return new LocalDataSink(ingestion.LakeDirectory ?? sp.GetRequiredService<Home.DataFolder>().Combine("lake"));
        });
        services.AddSingleton<CandleLake>();
        services.AddSingleton<LakeWriter>();
        services.AddSingleton<QuoteStore>();
        services.AddSingleton<BackfillLedger>();
        services.AddSingleton<GapLedger>();
        // EMF lines are for CloudWatch Logs: on Lambda (or with Metrics:Emf=true) on stdout; on a laptop
        // they would only bury what serve prints for a person (issue 20), and the runs are on the page.
        var emf = configuration.GetValue("Metrics:Emf", defaultValue: Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME") is not null);
        services.AddSingleton(sp => new EmfMetrics(emf ? Console.Out : TextWriter.Null, sp.GetRequiredService<TimeProvider>(), configuration.GetValue("Metrics:Detailed", defaultValue: true)));
        var tokens = new TokenStoreOptions();
        configuration.GetSection(TokenStoreOptions.SectionName).Bind(tokens);
        if (tokens.UsesSsm)
        {
            // On AWS the runs happen in the ingestion function and are shown by the token page's.
            services.AddSingleton<IRunLog>(sp => new SsmRunLog(sp.GetRequiredService<Amazon.SimpleSystemsManagement.IAmazonSimpleSystemsManagement>(), tokens.Project, sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            // On a laptop the CLI, serve's scheduler and the page are separate processes: runs live beside the lake.
            services.AddSingleton<IRunLog>(sp => new LakeRunLog(new RunFiles(sp.GetRequiredService<IDataSink>())));
        }

        services.AddSingleton(sp => new RunHistory(sp.GetService<IRunLog>(), sp.GetRequiredService<ILogger<RunHistory>>()));
        services.AddSingleton<WatchlistSource>();
        services.AddSingleton<SymbolDirectory>();
        services.AddSingleton<RunRecorder>();
        services.AddSingleton<RunGuards>();
        services.AddSingleton<CandleCheck>();
        services.AddSingleton<CandleJob>();
        services.AddSingleton<QuotesJob>();
        services.AddSingleton<TokenCheckJob>();
        services.AddSingleton<BackfillJob>();
        services.AddSingleton<IngestionRunner>();
        return services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, IngestionJsonContext.Default));
    }
}
