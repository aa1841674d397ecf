namespace PriceFeed.Hosting;

/// <summary>What every PriceFeed host (server and CLI) sets before it is built.</summary>
internal static class HostSetup
{
    /// <summary>
    /// No reloading of appsettings.json on change. Settings are validated once at start, and the
    /// file watcher behind reloading watches the content root with every subfolder: started from a
    /// big folder (a home directory, a repository with node_modules) it walked the whole tree at
    /// start-up (measured: 0.3 to 0.7 s before /healthz answered) and can exhaust inotify watches.
    /// The content root is the binary's own folder, wherever it was started from.
    /// </summary>
    public static readonly string[] Args = ["--hostBuilder:reloadConfigOnChange=false"];
}
