// The suite runs on Linux (CI and the deployment target); file-mode checks are Unix-only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
