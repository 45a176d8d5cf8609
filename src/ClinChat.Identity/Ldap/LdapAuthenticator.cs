using System.DirectoryServices.Protocols;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ClinChat.Identity.Ldap;

/// <summary>The outcome of a directory sign-in: the user's DN, groups and the ClinChat roles they map to.</summary>
public sealed record LdapSignIn(string UserDn, IReadOnlyList<string> Groups, IReadOnlyList<string> Roles);

/// <summary>
/// Bind authentication against LDAP / Active Directory: find the user's DN (template or search), bind as the user with
/// the given password, then read group membership and map it to roles. System.DirectoryServices.Protocols is blocking,
/// so each sign-in runs on the thread pool with the configured timeout.
/// </summary>
internal sealed class LdapAuthenticator(LdapOptions options, ILogger<LdapAuthenticator> logger)
{
    private const int InvalidCredentials = 49;

    /// <summary>The sign-in, or null when the directory refuses the credentials or the user is in no mapped group.</summary>
    public Task<LdapSignIn?> AuthenticateAsync(string username, string password, CancellationToken cancellationToken)
    {
        // An empty password is an unauthenticated bind (RFC 4513 5.1.2): many servers accept it for any DN.
        if (!options.Enabled || string.IsNullOrEmpty(password))
        {
            return Task.FromResult<LdapSignIn?>(null);
        }

        return Task.Run(() => Authenticate(username, password), cancellationToken);
    }

    internal static string EscapeFilter(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '\\' => @"\5c",
                '*' => @"\2a",
                '(' => @"\28",
                ')' => @"\29",
                '\0' => @"\00",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    internal static string EscapeDn(string value)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '=' || (i == 0 && c is '#' or ' ') || (i == value.Length - 1 && c == ' '))
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private LdapSignIn? Authenticate(string username, string password)
    {
        using var service = Connect();
        string? userDn;
        if (!string.IsNullOrWhiteSpace(options.UserDnTemplate))
        {
            userDn = string.Format(System.Globalization.CultureInfo.InvariantCulture, options.UserDnTemplate, EscapeDn(username));
        }
        else
        {
            BindService(service);
            userDn = FindUserDn(service, username);
            if (userDn is null)
            {
                IdentityLog.LdapUserNotFound(logger);
                return null;
            }
        }

        using var user = Connect();
        try
        {
            user.Bind(new NetworkCredential(userDn, password));
        }
        catch (LdapException e) when (e.ErrorCode == InvalidCredentials)
        {
            return null;
        }

        // Groups are read with the service account when there is one, else with the user's own bind.
        var searcher = user;
        if (!string.IsNullOrWhiteSpace(options.BindDn))
        {
            if (string.IsNullOrWhiteSpace(options.UserDnTemplate))
            {
                searcher = service;
            }
            else
            {
                BindService(service);
                searcher = service;
            }
        }

        var groups = FindGroups(searcher, userDn, username);
        var roles = groups
            .SelectMany(g => options.GroupRoles.TryGetValue(g.Dn, out var byDn) ? [byDn] : g.Cn is not null && options.GroupRoles.TryGetValue(g.Cn, out var byCn) ? [byCn] : Array.Empty<string>())
            .Where(Roles.IsKnown)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return new LdapSignIn(userDn, groups.Select(g => g.Dn).ToList(), roles);
    }

    private LdapConnection Connect()
    {
        var connection = new LdapConnection(new LdapDirectoryIdentifier(options.Host!, options.Port))
        {
            AuthType = AuthType.Basic,
            Timeout = options.Timeout,
        };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        if (options.UseSsl)
        {
            connection.SessionOptions.SecureSocketLayer = true;
        }
        else if (options.StartTls)
        {
            connection.SessionOptions.StartTransportLayerSecurity(null);
        }

        return connection;
    }

    private void BindService(LdapConnection connection)
    {
        if (string.IsNullOrWhiteSpace(options.BindDn))
        {
            connection.Bind(new NetworkCredential(string.Empty, string.Empty));
            return;
        }

        var password = File.ReadAllText(options.BindPasswordFile!).TrimEnd('\r', '\n');
        connection.Bind(new NetworkCredential(options.BindDn, password));
    }

    private string? FindUserDn(LdapConnection connection, string username)
    {
        var filter = string.Format(System.Globalization.CultureInfo.InvariantCulture, options.UserFilter, EscapeFilter(username));
        var response = (SearchResponse)connection.SendRequest(new SearchRequest(options.UserSearchBase, filter, SearchScope.Subtree, "dn"));

        // Ambiguous names sign nobody in: binding as "the first match" could be the wrong person.
        return response.Entries.Count == 1 ? response.Entries[0].DistinguishedName : null;
    }

    private List<(string Dn, string? Cn)> FindGroups(LdapConnection connection, string userDn, string username)
    {
        var groups = new List<(string Dn, string? Cn)>();
        if (string.IsNullOrWhiteSpace(options.GroupSearchBase))
        {
            return groups;
        }

        var filter = string.Format(System.Globalization.CultureInfo.InvariantCulture, options.GroupFilter, EscapeFilter(userDn), EscapeFilter(username));
        var response = (SearchResponse)connection.SendRequest(new SearchRequest(options.GroupSearchBase, filter, SearchScope.Subtree, "cn"));
        foreach (SearchResultEntry entry in response.Entries)
        {
            var cn = entry.Attributes["cn"] is { Count: > 0 } values ? values[0] as string : null;
            groups.Add((entry.DistinguishedName, cn));
        }

        return groups;
    }
}
