namespace PriceFeed.App.Tests.Live;

/// <summary>
/// The live-stream tests move manual clocks a second at a time and wait, in real time, for what each
/// second sends over a real socket. With the whole suite's other tests beside them on two cores, a
/// continuation could wait long enough for such a wait to give up; in this collection they run
/// after the others, by themselves.
/// </summary>
[CollectionDefinition(nameof(LiveAlone), DisableParallelization = true)]
public sealed class LiveAlone;
