using System.Runtime.InteropServices;

namespace PriceFeed.Hosting;

/// <summary>
/// Everything PriceFeed creates (lake files, caches, the lock, the token file, their folders) is
/// the owner's only: the process's umask becomes 077 at start, so files are 0600 and folders 0700
/// whichever code creates them (issue 20, W6: lake, cache and lock files were 0644). .NET has no
/// API for the umask; libc's is one call.
/// </summary>
internal static class OwnerOnlyFiles
{
    private const uint GroupAndOthers = 0b000_111_111;

    public static void Apply()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = Umask(GroupAndOthers);
        }
    }

    // DllImport, not LibraryImport: the generated stub needs unsafe code in the project, and one
    // blittable uint needs no marshalling (Native AOT binds it directly).
    [DllImport("libc", EntryPoint = "umask")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint Umask(uint mask);
}
