using Microsoft.Extensions.Options;

namespace PriceFeed.Ingestion;

/// <summary>Checked at start-up, so a typo fails the start with a sentence instead of a run at 09:20.</summary>
[OptionsValidator]
internal sealed partial class IngestionOptionsValidator : IValidateOptions<IngestionOptions>
{
    ValidateOptionsResult IValidateOptions<IngestionOptions>.Validate(string? name, IngestionOptions options)
    {
        var result = Validate(name, options);
        if (result.Failed)
        {
            return result;
        }

        var errors = new List<string>();
        if (options.ResolutionCodes.Count == 0)
        {
            errors.Add("Ingestion:Resolutions is empty: give at least one intraday resolution, for example 1 or 1,5.");
        }

        foreach (var code in options.ResolutionCodes)
        {
            if (!PriceFeed.Fyers.Data.Resolution.TryParse(code, out var resolution, out var error))
            {
                errors.Add($"Ingestion:Resolutions: {error}");
            }
            else if (!resolution.IsIntraday)
            {
                errors.Add($"Ingestion:Resolutions: '{code}' is not intraday; the end-of-day job stores the daily bar anyway.");
            }
        }

        try
        {
            WatchlistSource.Parse(options.Symbols, "Ingestion:Symbols");
        }
        catch (FormatException e)
        {
            errors.Add(e.Message);
        }

        if (options.IntradayEvery < TimeSpan.FromMinutes(1) || options.QuotesEvery < TimeSpan.Zero)
        {
            errors.Add("Ingestion:IntradayEvery must be at least a minute (00:01:00), and Ingestion:QuotesEvery not negative (00:00:00 switches quotes off).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
