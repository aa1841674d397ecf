using System.CommandLine;
using PriceFeed.Tokens;

namespace PriceFeed.Cli;

/// <summary><c>pricefeed token status [--check]</c>, <c>token reset-binding</c> and <c>token setup-code</c>.</summary>
internal static class TokenCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var statusSandbox = SandboxOption.Create();
        var check = new Option<bool>("--check") { Description = "Also ask FYERS whether the token works (calls /profile)." };
        var status = new Command("status", "Show whether a usable FYERS token is stored. Exit code 0 when it is, 1 when not.") { check, statusSandbox };
        status.SetAction(async (result, cancellationToken) =>
        {
            using var host = CliHost.Build(SandboxOption.Value(result, statusSandbox));
            if (result.GetValue(check) && await FyersMatch.StopsAsync(host.Services, SandboxOption.Value(result, statusSandbox), error, cancellationToken))
            {
                return ExitCodes.Usage;
            }

            return await StatusAsync(host.Services, result.GetValue(check), output, error, cancellationToken);
        });

        var reset = new Command("reset-binding", "Forget which FYERS account this store serves, so the next login may bind another. Prints a new setup code.");
        reset.SetAction(async (_, cancellationToken) =>
        {
            using var host = CliHost.Build(null);
            await host.Services.GetRequiredService<TokenVault>().ResetBindingAsync(cancellationToken);
            var code = await host.Services.GetRequiredService<OwnerAccess>().NewSetupCodeAsync(cancellationToken);
            await output.WriteLineAsync("The account binding is reset. The next successful login binds this PriceFeed to that account.");
            await output.WriteLineAsync($"Setup code for the first save on the page: {code}");
            return ExitCodes.Ok;
        });

        var setup = new Command("setup-code", "Make a new one-time setup code (the page asks for it until a FYERS account is bound) and print it. The earlier code stops working.");
        setup.SetAction(async (_, cancellationToken) =>
        {
            using var host = CliHost.Build(null);
            var snapshot = await host.Services.GetRequiredService<TokenVault>().ReadAsync(cancellationToken);
            if (snapshot.Binding is not null)
            {
                await error.WriteLineAsync($"This PriceFeed is already bound to FYERS account {TokenStatus.MaskFyId(snapshot.Binding.FyId)}; a setup code is only for the first login. To start over, run 'pricefeed token reset-binding'.");
                return ExitCodes.Error;
            }

            var code = await host.Services.GetRequiredService<OwnerAccess>().NewSetupCodeAsync(cancellationToken);
            await output.WriteLineAsync($"Setup code for the first save on the page: {code}");
            return ExitCodes.Ok;
        });

        return new Command("token", "Inspect and manage the stored FYERS token.") { status, reset, setup };
    }

    public static async Task<int> StatusAsync(IServiceProvider services, bool check, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var vault = services.GetRequiredService<TokenVault>();
        var status = await vault.StatusAsync(cancellationToken);
        string? problem = null;
        if (check && status.State != TokenState.Missing)
        {
            var result = await vault.CheckAsync(cancellationToken);
            (status, problem) = (result.Status, result.Problem);
        }

        await output.WriteLineAsync($"Token: {status.State.Text()}");
        await output.WriteLineAsync(status.Message);
        if (status.Account is not null)
        {
            await output.WriteLineAsync($"Account: {string.Join(" · ", new[] { status.Name, status.Account }.Where(s => s is not null))}");
        }

        if (check)
        {
            await output.WriteLineAsync(problem is not null
                ? $"FYERS check: not possible now ({problem})"
                : status.State == TokenState.Valid ? "FYERS check: accepted" : $"FYERS check: {status.State.Text()}");
        }

        if (problem is not null)
        {
            await error.WriteLineAsync(problem);
        }

        return status.IsUsable && problem is null ? ExitCodes.Ok : ExitCodes.Error;
    }
}
