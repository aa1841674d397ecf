using PriceFeed.Hosting;
using PriceFeed.Ingestion;

namespace PriceFeed.Cli;

/// <summary>The services a CLI command needs, without a web server: the same registrations as the app.</summary>
internal static class CliHost
{
    /// <param name="overrides">Replacements applied last, as the web host takes them (a test's clock).</param>
    public static IHost Build(Uri? sandboxUrl, IEnumerable<KeyValuePair<string, string?>>? settings = null, Action<IServiceCollection>? overrides = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = HostSetup.Args, ContentRootPath = AppContext.BaseDirectory });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddFilter(static level => level >= LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // Warnings are for the person, on stderr; stdout holds only the command's answer (scripts read it).
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // Polly logs each retry with the whole exception; the FYERS client logs its own one-line retry.
        builder.Logging.AddFilter("Polly", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);

        // A run that fails unexpectedly is one line in the command's own report; its stack trace is
        // for logs (serve, Lambda), not for the terminal.
        builder.Logging.AddFilter("PriceFeed.Ingestion.IngestionRunner", LogLevel.None);
        builder.Services.AddPriceFeed(builder.Configuration, sandboxUrl);

        // EMF lines are for CloudWatch (serve on Lambda); on a terminal the command prints its own summary.
        builder.Services.AddSingleton(sp => new EmfMetrics(TextWriter.Null, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(new RunOrigin(RunTrigger.Manual));
        overrides?.Invoke(builder.Services);
        return builder.Build();
    }
}
