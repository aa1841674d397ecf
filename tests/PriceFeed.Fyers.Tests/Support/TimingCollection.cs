namespace PriceFeed.Fyers.Tests.Support;

/// <summary>
/// Tests whose assertions are measured on real time by the sandbox (rate windows) run alone, not
/// beside CPU-heavy tests of the same assembly.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Real-time measurements";
}
