using Microsoft.Extensions.Options;

namespace PriceFeed.Sandbox;

/// <summary>
/// The sandbox's settings checked before it serves (README, "Sandbox mode"): a rehearsal with
/// a share of errors above 1, a negative latency or an account without a 6-digit code would
/// rehearse nothing FYERS does. Each failure names the setting and the values it takes.
/// </summary>
public sealed class SandboxOptionsValidator : IValidateOptions<SandboxOptions>
{
    public ValidateOptionsResult Validate(string? name, SandboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RequestsPerSecond < 1 || options.RequestsPerMinute < options.RequestsPerSecond || options.RequestsPerDay < options.RequestsPerMinute)
        {
            failures.Add("Sandbox:RequestsPerSecond, RequestsPerMinute and RequestsPerDay are at least 1 and each at least the one before (FYERS: 10, 200, 100000).");
        }

        if (options.Latency < TimeSpan.Zero || options.Latency > TimeSpan.FromSeconds(30))
        {
            failures.Add($"Sandbox:Latency is between 00:00:00 and 00:00:30 (it was {options.Latency}).");
        }

        if (double.IsNaN(options.ServerErrorRate) || options.ServerErrorRate is < 0 or > 1)
        {
            failures.Add($"Sandbox:ServerErrorRate is a share between 0 and 1, such as 0.1 (it was {options.ServerErrorRate}).");
        }

        if (options.RevokeTokensAfter is < 0)
        {
            failures.Add($"Sandbox:RevokeTokensAfter is a number of calls, 0 or more (it was {options.RevokeTokensAfter}).");
        }

        if (options.AuthCodeValidity <= TimeSpan.Zero)
        {
            failures.Add("Sandbox:AuthCodeValidity is longer than zero.");
        }

        if (options.Apps.Count == 0 || options.Apps.Any(a => a.ClientId.Length == 0 || a.Secret.Length == 0 || a.RedirectUris.Count == 0))
        {
            failures.Add("Sandbox:Apps needs at least one app with a client id, a secret and a redirect URI.");
        }

        if (options.Accounts.Count == 0 || options.Accounts.Any(a => a.FyId.Length == 0 || a.Code.Length != 6 || !a.Code.All(char.IsAsciiDigit)))
        {
            failures.Add("Sandbox:Accounts needs at least one account, each with a FYERS id and a 6-digit code.");
        }

        if (options.TradesPerSecond is < 1 or > 10)
        {
            failures.Add($"Sandbox:TradesPerSecond is a whole number from 1 to 10 (it was {options.TradesPerSecond}).");
        }

        if (double.IsNaN(options.ReplaySpeed) || options.ReplaySpeed is < 1 or > 60)
        {
            failures.Add($"Sandbox:ReplaySpeed is from 1 (real time) to 60 (it was {options.ReplaySpeed}).");
        }

        if (options.Socket.LateBy < TimeSpan.Zero || options.Socket.LateBy > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Sandbox:Socket:LateBy is between 00:00:00 and 00:05:00 (it was {options.Socket.LateBy}).");
        }

        if (options.Socket.VolumeOffset < 0)
        {
            failures.Add($"Sandbox:Socket:VolumeOffset is 0 or more (it was {options.Socket.VolumeOffset}).");
        }

        if (options.SigningKey.Length < 32)
        {
            failures.Add("Sandbox:SigningKey has at least 32 characters (HS256).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
