using System.Data.Common;
using System.Text.Json;
using ClinChat.Storage.Database;

namespace ClinChat.Identity.Users;

/// <summary>The <c>users</c> table. Counters and one-time values change with single conditional statements, so two
/// concurrent sign-ins (on one replica or two) cannot both use one TOTP step or one recovery code: the loser's
/// <c>UPDATE … WHERE</c> matches no row once the winner's has committed.</summary>
internal sealed class UserStore(StoreDatabase database)
{
    private const string Columns = "username, source, roles, password_hash, failed_attempts, lockout_until, mfa_secret, mfa_enabled, mfa_last_step, recovery_codes, disabled, created_at, last_login_at";

    public async Task<UserRecord?> FindAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM users WHERE username = @u", null, ("@u", username));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<UserRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM users ORDER BY username");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new List<UserRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(Read(reader));
        }

        return users;
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return Convert.ToInt32(await connection.ScalarAsync("SELECT COUNT(*) FROM users WHERE disabled = 0", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Adds a user; false when the name is taken.</summary>
    public async Task<bool> CreateAsync(UserRecord user, CancellationToken cancellationToken)
    {
        return await ExecuteAsync(
            """
            INSERT INTO users (username, source, roles, password_hash, mfa_secret, mfa_enabled, recovery_codes, created_at)
            VALUES (@u, @source, @roles, @hash, @secret, @mfa, @codes, @now) ON CONFLICT (username) DO NOTHING
            """,
            cancellationToken,
            ("@u", user.Username),
            ("@source", SourceName(user.Source)),
            ("@roles", string.Join(' ', user.Roles)),
            ("@hash", user.PasswordHash),
            ("@secret", user.ProtectedMfaSecret),
            ("@mfa", user.MfaEnabled ? 1L : 0L),
            ("@codes", JsonSerializer.Serialize(user.RecoveryCodeHashes)),
            ("@now", user.CreatedAt.ToUnixTimeMilliseconds())) == 1;
    }

    /// <summary>Records a directory account after a successful bind, with the roles its groups map to now.</summary>
    public async Task UpsertDirectoryUserAsync(string username, IReadOnlyList<string> roles, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            """
            INSERT INTO users (username, source, roles, created_at) VALUES (@u, 'ldap', @roles, @now)
            ON CONFLICT(username) DO UPDATE SET roles = excluded.roles WHERE users.source = 'ldap'
            """,
            cancellationToken,
            ("@u", username),
            ("@roles", string.Join(' ', roles)),
            ("@now", now.ToUnixTimeMilliseconds()));
    }

    /// <summary>Counts a failed attempt; at the threshold the account locks and the counter restarts. Returns the lockout end, if locked.</summary>
    public async Task<DateTimeOffset?> RecordFailureAsync(string username, int threshold, DateTimeOffset lockUntil, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var result = await connection.ScalarAsync(
            """
            UPDATE users SET
                lockout_until = CASE WHEN failed_attempts + 1 >= @threshold THEN @until ELSE lockout_until END,
                failed_attempts = CASE WHEN failed_attempts + 1 >= @threshold THEN 0 ELSE failed_attempts + 1 END
            WHERE username = @u
            RETURNING lockout_until
            """,
            cancellationToken,
            null,
            ("@u", username),
            ("@threshold", (long)threshold),
            ("@until", lockUntil.ToUnixTimeMilliseconds()));
        return result is not null && Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture) == lockUntil.ToUnixTimeMilliseconds() ? lockUntil : null;
    }

    public Task RecordSuccessAsync(string username, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE users SET failed_attempts = 0, lockout_until = NULL, last_login_at = @now WHERE username = @u",
            cancellationToken,
            ("@u", username),
            ("@now", now.ToUnixTimeMilliseconds()));

    public Task UnlockAsync(string username, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE users SET failed_attempts = 0, lockout_until = NULL WHERE username = @u", cancellationToken, ("@u", username));

    public Task SetPasswordHashAsync(string username, string hash, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE users SET password_hash = @hash WHERE username = @u AND source = 'local'", cancellationToken, ("@u", username), ("@hash", hash));

    public Task SetRolesAsync(string username, IReadOnlyList<string> roles, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE users SET roles = @roles WHERE username = @u", cancellationToken, ("@u", username), ("@roles", string.Join(' ', roles)));

    public Task SetDisabledAsync(string username, bool disabled, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE users SET disabled = @d WHERE username = @u", cancellationToken, ("@u", username), ("@d", disabled ? 1L : 0L));

    /// <summary>Starts (or restarts) enrolment: a pending secret that signs nobody in until confirmed.</summary>
    public Task SetPendingMfaSecretAsync(string username, string protectedSecret, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE users SET mfa_secret = @secret, mfa_enabled = 0, mfa_last_step = 0, recovery_codes = '[]' WHERE username = @u",
            cancellationToken,
            ("@u", username),
            ("@secret", protectedSecret));

    public Task EnableMfaAsync(string username, long step, IReadOnlyList<string> recoveryCodeHashes, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE users SET mfa_enabled = 1, mfa_last_step = @step, recovery_codes = @codes WHERE username = @u AND mfa_secret IS NOT NULL",
            cancellationToken,
            ("@u", username),
            ("@step", step),
            ("@codes", JsonSerializer.Serialize(recoveryCodeHashes)));

    public Task ResetMfaAsync(string username, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE users SET mfa_secret = NULL, mfa_enabled = 0, mfa_last_step = 0, recovery_codes = '[]' WHERE username = @u",
            cancellationToken,
            ("@u", username));

    /// <summary>Claims a TOTP time step; false when it (or a later one) was used already, so a code cannot be replayed.</summary>
    public async Task<bool> ClaimTotpStepAsync(string username, long step, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE users SET mfa_last_step = @step WHERE username = @u AND mfa_last_step < @step",
            cancellationToken,
            ("@u", username),
            ("@step", step)) == 1;

    /// <summary>Removes one recovery code; false when it is not (or no longer) there.</summary>
    public async Task<bool> ConsumeRecoveryCodeAsync(UserRecord user, string codeHash, CancellationToken cancellationToken)
    {
        if (!user.RecoveryCodeHashes.Contains(codeHash, StringComparer.Ordinal))
        {
            return false;
        }

        var remaining = user.RecoveryCodeHashes.Where(h => !string.Equals(h, codeHash, StringComparison.Ordinal)).ToList();
        return await ExecuteAsync(
            "UPDATE users SET recovery_codes = @new WHERE username = @u AND recovery_codes = @old",
            cancellationToken,
            ("@u", user.Username),
            ("@old", JsonSerializer.Serialize(user.RecoveryCodeHashes)),
            ("@new", JsonSerializer.Serialize(remaining))) == 1;
    }

    internal static string SourceName(UserSource source) => source == UserSource.Ldap ? "ldap" : "local";

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(sql, cancellationToken, null, parameters);
    }

    private static UserRecord Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1) == "ldap" ? UserSource.Ldap : UserSource.Local,
        reader.GetString(2).Split(' ', StringSplitOptions.RemoveEmptyEntries),
        reader.GetNullableString(3),
        (int)reader.GetInteger(4),
        reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInteger(5)),
        reader.GetNullableString(6),
        reader.GetInteger(7) == 1,
        reader.GetInteger(8),
        JsonSerializer.Deserialize<List<string>>(reader.GetString(9)) ?? [],
        reader.GetInteger(10) == 1,
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInteger(11)),
        reader.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInteger(12)));
}
