using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using PriceFeed.Fyers.Auth;
using PriceFeed.Fyers.Data;
using PriceFeed.Fyers.Http;

namespace PriceFeed.Fyers;

public static partial class FyersServiceCollectionExtensions
{
    /// <summary>
    /// Registers the FYERS clients: typed HttpClients behind one resilience pipeline (jittered retries of
    /// transient failures on idempotent calls, a per-attempt timeout) and, inside it, the shared limiter,
    /// so every attempt, retries included, is counted against the FYERS budget.
    /// </summary>
    public static IServiceCollection AddFyersClient(this IServiceCollection services, IConfiguration? configuration = null, Action<FyersOptions>? configure = null)
    {
        var options = services.AddOptions<FyersOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(FyersOptions.SectionName));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FyersOptions>, FyersOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FyersRateLimiter>();
        services.TryAddSingleton<Socket.HsmStream>();
        services.TryAddTransient<RateLimitingHandler>();

        services.AddHttpClient<FyersAuthClient>().AddFyersPipeline();
        services.AddHttpClient<FyersDataClient>().AddFyersPipeline();
        // A public file on another host: no token, not FYERS' API budget, one download a day.
        services.AddHttpClient<SymbolMasterClient>(static (sp, client) =>
        {
            client.DefaultRequestHeaders.UserAgent.ParseAdd(sp.GetRequiredService<IOptions<FyersOptions>>().Value.UserAgent);
            client.Timeout = TimeSpan.FromSeconds(60);
        });
        return services;
    }

    private static void AddFyersPipeline(this IHttpClientBuilder builder)
    {
        // Outer: retries. Middle: the shared limiter, so each attempt waits for a permit (and after a
        // 429, for the whole pause) outside any timeout. Inner: the per-attempt timeout, which covers
        // only the time FYERS takes to answer.
        builder.AddResilienceHandler("fyers-retry", static (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<FyersOptions>>().Value;
            if (options.MaxRetryAttempts == 0)
            {
                return;
            }

            var retry = new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,

                // The limiter holds every caller until the 429 window has passed; Polly must not add its own wait.
                ShouldRetryAfterHeader = false,
                DelayGenerator = static args => ValueTask.FromResult<TimeSpan?>(
                    args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests ? TimeSpan.Zero : null),
            };

            // Polly's own retry log carries the whole exception; ours is one line a person can read
            // (the CLI turns Polly's off). The URL is left out: a query can name the account's symbols.
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("PriceFeed.Fyers.Retry");
            retry.OnRetry = args =>
            {
                var why = args.Outcome.Exception is { } e ? e.GetType().Name.Replace("Exception", string.Empty, StringComparison.Ordinal) + ": " + e.Message.Split('\n')[0]
                    : $"HTTP {(int)args.Outcome.Result!.StatusCode}";
                RetryLog.Retrying(logger, why, args.AttemptNumber + 1, options.MaxRetryAttempts, args.RetryDelay.TotalSeconds);
                return ValueTask.CompletedTask;
            };

            // An auth code works once: a POST that may have reached FYERS is never sent twice.
            retry.DisableForUnsafeHttpMethods();
            pipeline.AddRetry(retry);
        });
        builder.AddHttpMessageHandler<RateLimitingHandler>();
        builder.AddResilienceHandler("fyers-attempt", static (pipeline, context) =>
            pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<FyersOptions>>().Value.AttemptTimeout));
        builder.ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan);
    }

    private static partial class RetryLog
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "FYERS did not answer ({Why}); retry {Attempt} of {Max} in {Seconds:0.#} s")]
        public static partial void Retrying(ILogger logger, string why, int attempt, int max, double seconds);
    }
}
