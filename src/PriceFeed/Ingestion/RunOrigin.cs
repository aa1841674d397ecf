namespace PriceFeed.Ingestion;

/// <summary>Who starts the runs of this process.</summary>
public enum RunTrigger
{
    /// <summary>The scheduler: serve's own, or EventBridge on AWS.</summary>
    Scheduled,

    /// <summary>A person, through the CLI.</summary>
    Manual,
}

/// <summary>Registered by the CLI host; without it runs count as scheduled.</summary>
public sealed record RunOrigin(RunTrigger Trigger);
