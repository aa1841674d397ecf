using Microsoft.Extensions.Options;

namespace PriceFeed.Lake;

/// <summary>
/// One writer per lake. Every run that writes takes the lake's writer lock first; a second run waits
/// up to Lake:WriterWait, then stops before fetching anything, naming the run that holds the lake.
/// Two runs can then never interleave their read-merge-replace of a day file or of the cursors.
/// </summary>
public sealed partial class LakeWriter(IDataSink sink, IOptions<LakeOptions> options, TimeProvider time, ILogger<LakeWriter> logger)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>The lock, held until disposed.</summary>
    /// <exception cref="LakeBusyException">Another run held the lake for the whole wait.</exception>
    public async Task<IAsyncDisposable> AcquireAsync(string job, CancellationToken cancellationToken)
    {
        var wait = options.Value.WriterWait;
        var giveUpAt = time.GetUtcNow() + wait;
        var logged = false;
        while (true)
        {
            var claim = WriterClaim.ForThisProcess(job, time.GetUtcNow(), options.Value.WriterLease);
            var (lease, holder) = await sink.TryLockWriterAsync(claim, cancellationToken);
            if (lease is not null)
            {
                return lease;
            }

            if (time.GetUtcNow() >= giveUpAt)
            {
                throw new LakeBusyException($"Another PriceFeed run is writing this lake: {holder?.Describe() ?? "a run that is just finishing"}. This {job} run waited {wait.TotalSeconds:0} s and stopped before fetching anything; run it again when that one has finished.");
            }

            if (!logged && holder is not null)
            {
                Log.Waiting(logger, job, wait.TotalSeconds, holder.Describe());
                logged = true;
            }

            await Task.Delay(Poll, time, cancellationToken);
        }
    }

    private static partial class Log
    {
        // A warning, so the CLI prints it at once (issue 19: a waiting run said nothing for 2 minutes).
        [LoggerMessage(Level = LogLevel.Warning, Message = "The {Job} run waits up to {Seconds:0} s for the lake: {Holder} is writing it")]
        public static partial void Waiting(ILogger logger, string job, double seconds, string holder);
    }
}
