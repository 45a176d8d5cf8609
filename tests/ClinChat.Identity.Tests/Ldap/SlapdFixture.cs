using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ClinChat.Identity.Tests.Ldap;

/// <summary>
/// A throwaway OpenLDAP slapd on a free loopback port with a synthetic directory (people and groups), loaded with
/// ldapadd. Installs slapd through install-slapd.sh when it is missing; a server that cannot start fails the tests.
/// </summary>
public sealed class SlapdFixture : IAsyncLifetime
{
    public const string Suffix = "dc=clinchat,dc=test";
    public const string RootDn = "cn=admin," + Suffix;
    public const string RootPassword = "slapd-root-secret-7431";
    public const string UserPassword = "directory pass 2026!";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clinchat-slapd-" + Guid.NewGuid().ToString("n"));
    private Process? _slapd;

    public int Port { get; private set; }

    /// <summary>The root DN's password in a file, as <c>ClinChat:Ldap:BindPasswordFile</c> expects.</summary>
    public string BindPasswordFile => Path.Combine(_folder, "bind-password");

    public async Task InitializeAsync()
    {
        await EnsureInstalledAsync();
        Directory.CreateDirectory(Path.Combine(_folder, "db"));
        await File.WriteAllTextAsync(BindPasswordFile, RootPassword + "\n");
        var config = Path.Combine(_folder, "slapd.conf");
        await File.WriteAllTextAsync(config, $"""
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/inetorgperson.schema
            include /etc/ldap/schema/nis.schema
            modulepath /usr/lib/ldap
            moduleload back_mdb
            pidfile {_folder}/slapd.pid
            argsfile {_folder}/slapd.args
            database mdb
            maxsize 16777216
            suffix "{Suffix}"
            rootdn "{RootDn}"
            rootpw {RootPassword}
            directory {_folder}/db
            access to attrs=userPassword by self write by anonymous auth by * none
            access to * by users read by * none

            """);

        Port = FreePort();
        var start = new ProcessStartInfo("/usr/sbin/slapd")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-d", "0", "-h", $"ldap://127.0.0.1:{Port}/", "-f", config })
        {
            start.ArgumentList.Add(arg);
        }

        _slapd = Process.Start(start) ?? throw new InvalidOperationException("slapd did not start");
        var stderr = _slapd.StandardError.ReadToEndAsync();
        _ = _slapd.StandardOutput.ReadToEndAsync();
        await WaitForPortAsync(stderr);
        await LoadAsync(Path.Combine(_folder, "base.ldif"));
    }

    public async Task DisposeAsync()
    {
        if (_slapd is { HasExited: false })
        {
            _slapd.Kill(entireProcessTree: true);
            await _slapd.WaitForExitAsync();
        }

        _slapd?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public ClinChat.Identity.Ldap.LdapOptions SearchOptions(bool withServiceAccount = true) => new()
    {
        Host = "127.0.0.1",
        Port = Port,
        BindDn = withServiceAccount ? RootDn : null,
        BindPasswordFile = withServiceAccount ? BindPasswordFile : null,
        UserDnTemplate = withServiceAccount ? null : "uid={0},ou=people," + Suffix,
        UserSearchBase = "ou=people," + Suffix,
        GroupSearchBase = "ou=groups," + Suffix,
        GroupRoles = new(StringComparer.OrdinalIgnoreCase)
        {
            ["clinicians"] = Roles.Clinician,
            ["cn=pharmacy,ou=groups," + Suffix] = Roles.Pharmacist,
            ["kb-editors"] = Roles.KbCurator,
            ["auditors"] = Roles.Auditor,
        },
    };

    private static async Task EnsureInstalledAsync()
    {
        if (File.Exists("/usr/sbin/slapd") && File.Exists("/usr/bin/ldapadd"))
        {
            return;
        }

        var script = Path.Combine(AppContext.BaseDirectory, "Ldap", "install-slapd.sh");
        var result = await RunAsync("/bin/sh", script);
        if (result.ExitCode != 0 || !File.Exists("/usr/sbin/slapd"))
        {
            throw new InvalidOperationException($"installing slapd failed ({result.ExitCode}): {result.Output}");
        }
    }

    private async Task LoadAsync(string ldifPath)
    {
        static string Person(string uid, string name) => $"""
            dn: uid={uid},ou=people,{Suffix}
            objectClass: inetOrgPerson
            uid: {uid}
            cn: {name}
            sn: {name.Split(' ')[^1]}
            userPassword: {UserPassword}
            """ + "\n\n";

        static string Group(string cn, string objectClass, string attribute, params string[] uids) =>
            $"dn: cn={cn},ou=groups,{Suffix}\nobjectClass: {objectClass}\ncn: {cn}\n" +
            string.Concat(uids.Select(u => $"{attribute}: uid={u},ou=people,{Suffix}\n")) + "\n";

        var ldif = $"""
            dn: {Suffix}
            objectClass: dcObject
            objectClass: organization
            dc: clinchat
            o: ClinChat test hospital

            dn: ou=people,{Suffix}
            objectClass: organizationalUnit
            ou: people

            dn: ou=groups,{Suffix}
            objectClass: organizationalUnit
            ou: groups


            """
            + Person("alice", "Alice Example")
            + Person("pat", "Pat Example")
            + Person("kim", "Kim Example")
            + Person("audrey", "Audrey Example")
            + Person("dave", "Dave Example")
            + Group("clinicians", "groupOfNames", "member", "alice", "kim")
            + Group("pharmacy", "groupOfNames", "member", "pat")
            + Group("kb-editors", "groupOfUniqueNames", "uniqueMember", "kim")
            + Group("auditors", "groupOfNames", "member", "audrey")
            + Group("canteen", "groupOfNames", "member", "dave");
        await File.WriteAllTextAsync(ldifPath, ldif);
        var result = await RunAsync("/usr/bin/ldapadd", "-x", "-H", $"ldap://127.0.0.1:{Port}/", "-D", RootDn, "-w", RootPassword, "-f", ldifPath);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ldapadd failed ({result.ExitCode}): {result.Output}");
        }
    }

    private async Task WaitForPortAsync(Task<string> stderr)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_slapd!.HasExited)
            {
                throw new InvalidOperationException($"slapd exited with {_slapd.ExitCode}: {await stderr}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("slapd did not listen within 30 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}

[CollectionDefinition(nameof(SlapdCollection))]
public sealed class SlapdCollection : ICollectionFixture<SlapdFixture>;
