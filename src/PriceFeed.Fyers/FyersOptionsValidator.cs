using Microsoft.Extensions.Options;

namespace PriceFeed.Fyers;

/// <summary>Source-generated (AOT-safe) checks of the attributes on <see cref="FyersOptions"/>, plus the ones attributes cannot say.</summary>
[OptionsValidator]
internal sealed partial class FyersOptionsValidator : IValidateOptions<FyersOptions>
{
    ValidateOptionsResult IValidateOptions<FyersOptions>.Validate(string? name, FyersOptions options)
    {
        var result = Validate(name, options);
        if (result.Failed)
        {
            return result;
        }

        var errors = new List<string>();
        if (!options.AuthBaseUri.IsAbsoluteUri || !options.DataBaseUri.IsAbsoluteUri)
        {
            errors.Add("Fyers:AuthBaseUri and Fyers:DataBaseUri must be absolute URLs.");
        }

        if (options.RateLimitCooldown <= TimeSpan.Zero || options.RetryBaseDelay < TimeSpan.Zero || options.AttemptTimeout <= TimeSpan.Zero)
        {
            errors.Add("Fyers:RateLimitCooldown and Fyers:AttemptTimeout must be positive, Fyers:RetryBaseDelay not negative.");
        }

        if (!options.DataSocketUri.IsAbsoluteUri || options.DataSocketUri.Scheme is not ("wss" or "ws") || (options.DataSocketUri.Scheme == "ws" && !options.UseSandbox))
        {
            errors.Add("Fyers:DataSocketUri is a wss:// address (ws:// only for the sandbox).");
        }

        if (options.DataSocketPingEvery <= TimeSpan.Zero || options.DataSocketPongTimeout <= TimeSpan.Zero || options.DataSocketPingEvery + options.DataSocketPongTimeout > TimeSpan.FromMinutes(2))
        {
            errors.Add("Fyers:DataSocketPingEvery and Fyers:DataSocketPongTimeout are longer than zero and together at most 00:02:00 (defaults 00:00:10 and 00:00:09).");
        }

        if (!options.UseSandbox && (options.AuthBaseUri.IsLoopback || options.DataBaseUri.IsLoopback || options.DataSocketUri.IsLoopback))
        {
            errors.Add("Fyers base URLs point at this machine but Fyers:UseSandbox is false. The sandbox is switched on only explicitly (pricefeed serve --sandbox).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
