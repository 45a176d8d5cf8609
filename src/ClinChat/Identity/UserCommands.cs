using System.CommandLine;
using ClinChat.Cli;
using ClinChat.Database;
using ClinChat.Identity.Ldap;
using ClinChat.Identity.Login;
using ClinChat.Identity.Tokens;
using ClinChat.Identity.Users;
using ClinChat.Security;

namespace ClinChat.Identity;

/// <summary>
/// `clinchat users …`: account administration by whoever holds the data directory (no sign-in needed, so the first
/// admin can be created on a fresh install). Output: one JSON object per line on stdout; notes on stderr.
/// </summary>
internal static class UserCommands
{
    public static Command Create(CliContext context)
    {
        var users = new Command("users", "Create and list ClinChat accounts (first admin: `clinchat users add NAME --role admin`).");
        users.Subcommands.Add(Add(context));
        users.Subcommands.Add(List(context));
        users.Subcommands.Add(Change(context, "reset-mfa", "Remove a user's second factor (lost phone) and end their sessions.", (a, n, ct) => a.ResetMfaAsync(n, ct)));
        users.Subcommands.Add(Change(context, "unlock", "Clear a lockout after failed sign-ins.", (a, n, ct) => a.UnlockAsync(n, ct)));
        users.Subcommands.Add(Change(context, "disable", "Disable an account and end its sessions.", (a, n, ct) => a.SetDisabledAsync(n, true, ct)));
        users.Subcommands.Add(Change(context, "enable", "Enable a disabled account.", (a, n, ct) => a.SetDisabledAsync(n, false, ct)));
        return users;
    }

    private static Command Add(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "User name (letters, digits, . _ - @)" };
        var role = new Option<string[]>("--role")
        {
            Description = $"Role, repeatable: {string.Join(", ", Roles.All)}",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var passwordFile = new Option<FileInfo?>("--password-file") { Description = "File holding the password (default: generate and print one)" };
        var command = new Command("add", "Create a local account. Admin and auditor accounts get their TOTP factor and recovery codes now, printed once.") { name, role, passwordFile };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            string? password = null;
            if (parseResult.GetValue(passwordFile) is { } file)
            {
                if (!file.Exists)
                {
                    return CliOutput.Fail($"--password-file {file.FullName} does not exist");
                }

                password = (await File.ReadAllTextAsync(file.FullName, cancellationToken)).TrimEnd('\r', '\n');
            }

            var roles = parseResult.GetValue(role)!.SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            return await WithAdministrationAsync(context, parseResult, cancellationToken, async administration =>
            {
                var result = await administration.CreateAsync(parseResult.GetValue(name)!, roles, password, cancellationToken);
                if (!result.Succeeded)
                {
                    return CliOutput.Fail(result.Error!);
                }

                var created = result.Value!;
                CliOutput.WriteJson(new
                {
                    username = created.User.Username,
                    roles = created.User.Roles,
                    mfa_required = created.User.MfaRequired,
                    password = created.GeneratedPassword,
                    mfa = created.Mfa is null ? null : new { secret = created.Mfa.Secret, otpauth_uri = created.Mfa.OtpAuthUri },
                    recovery_codes = created.RecoveryCodes,
                });
                if (created.GeneratedPassword is not null || created.Mfa is not null)
                {
                    Console.Error.WriteLine("clinchat: store the password, the TOTP secret (add the otpauth URI to an authenticator app) and the recovery codes now: they are not shown again.");
                }

                return 0;
            });
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List accounts: roles, MFA, lockout (never hashes or secrets).");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            return await WithAdministrationAsync(context, parseResult, cancellationToken, async administration =>
            {
                foreach (var user in await administration.ListAsync(cancellationToken))
                {
                    CliOutput.WriteJson(ToJson(user));
                }

                return 0;
            });
        });
        return command;
    }

    private static Command Change(CliContext context, string verb, string description, Func<UserAdministration, string, CancellationToken, Task<AdministrationResult<UserSummary>>> change)
    {
        var name = new Argument<string>("NAME");
        var command = new Command(verb, description) { name };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            return await WithAdministrationAsync(context, parseResult, cancellationToken, async administration =>
            {
                var result = await change(administration, parseResult.GetValue(name)!, cancellationToken);
                if (!result.Succeeded)
                {
                    return CliOutput.Fail(result.Error!);
                }

                CliOutput.WriteJson(ToJson(result.Value!));
                return 0;
            });
        });
        return command;
    }

    private static object ToJson(UserSummary user) => new
    {
        username = user.Username,
        source = user.Source,
        roles = user.Roles,
        mfa_enabled = user.MfaEnabled,
        mfa_required = user.MfaRequired,
        locked = user.Locked,
        disabled = user.Disabled,
        created_at = user.CreatedAt,
        last_login_at = user.LastLoginAt,
    };

    /// <summary>Runs <paramref name="work"/> over the account administration; a database that is unreachable or not migrated is one line.</summary>
    private static async Task<int> WithAdministrationAsync(CliContext context, ParseResult parseResult, CancellationToken cancellationToken, Func<UserAdministration, Task<int>> work)
    {
        ServiceProvider services;
        try
        {
            services = await CreateServicesAsync(context, parseResult, cancellationToken);
        }
        catch (DatabaseConfigurationException e)
        {
            return CliOutput.Fail(e.Message);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return CliOutput.Fail($"the database cannot be reached: {e.Message.ReplaceLineEndings(" ")}");
        }

        await using (services)
        {
            return await work(services.GetRequiredService<UserAdministration>());
        }
    }

    /// <summary>
    /// Just the identity engine over the configured database (the data directory's file, or PostgreSQL): no knowledge
    /// base, no model. The embedded store is migrated here; a PostgreSQL one must have been by <c>clinchat db migrate</c>.
    /// </summary>
    private static async Task<ServiceProvider> CreateServicesAsync(CliContext context, ParseResult parseResult, CancellationToken cancellationToken)
    {
        var configuration = CliServices.Configuration();
        var dataDirectory = context.ResolveDataDir(parseResult);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSecurityCore(configuration, dataDirectory)
            .AddIdentityEngine(
                configuration.GetSection(IdentityOptions.Section).Get<IdentityOptions>() ?? new IdentityOptions(),
                configuration.GetSection(LdapOptions.Section).Get<LdapOptions>() ?? new LdapOptions(),
                JwtSigningKey.Ephemeral())
            .BuildServiceProvider();
        try
        {
            await services.InitializeHostSecurityAsync(cancellationToken);
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }

        return services;
    }
}
