using System.Globalization;
using System.Security.Authentication;
using System.Threading.RateLimiting;
using ClinChat.Identity;
using ClinChat.Identity.Tokens;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;

namespace ClinChat.Security;

/// <summary>Web hardening settings, bound from <c>ClinChat:Security</c>.</summary>
internal sealed class WebHardeningOptions
{
    public const string Section = "ClinChat:Security";

    /// <summary>Requests per minute per signed-in user (per client address before sign-in).</summary>
    public int RateLimitPerMinute { get; set; } = 100;

    /// <summary>Body limit of every request except document uploads (which keep the server-wide 50 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Origins allowed to call the API from a browser. Empty (the default): no CORS at all.</summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>Redirect HTTP to HTTPS. Default: on when the server itself listens on an https:// address.</summary>
    public bool? HttpsRedirection { get; set; }

    public string? Validate() => RateLimitPerMinute < 1
        ? $"{Section}:RateLimitPerMinute must be at least 1"
        : MaxRequestBodyBytes < 1024 ? $"{Section}:MaxRequestBodyBytes must be at least 1024" : null;
}

/// <summary>
/// Security headers (the same values the ingress adds: deploy/kubernetes/base/security-headers.yaml), per-user rate
/// limiting with 429 and Retry-After (shared by the replicas through Redis when one is configured), request body limits, CORS only when configured, HTTPS redirection and TLS 1.2+
/// when Kestrel terminates TLS itself.
/// </summary>
internal static class WebHardening
{
    public const string ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";
    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=()";
    private const string CorsPolicy = "configured-origins";

    /// <summary>Paths polled by infrastructure (kubelet probes, Prometheus): never rate limited.</summary>
    private static readonly string[] Unlimited = ["/api/health", "/api/ready", "/metrics"];

    public static WebApplicationBuilder AddWebHardening(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(WebHardeningOptions.Section).Get<WebHardeningOptions>() ?? new WebHardeningOptions();
        if (options.Validate() is { } error)
        {
            throw new IdentityConfigurationException(error);
        }

        options.HttpsRedirection ??= ServesHttps(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13));

        if (options.CorsOrigins.Length > 0)
        {
            builder.Services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy => policy
                .WithOrigins(options.CorsOrigins)
                .WithMethods("GET", "POST", "DELETE")
                .WithHeaders("Authorization", "Content-Type")));
        }

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                if (Unlimited.Any(p => http.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)))
                {
                    return RateLimitPartition.GetNoLimiter("infrastructure");
                }

                var partition = http.User.Identity?.IsAuthenticated == true && http.User.FindFirst(ClinChatClaims.Session) is not null
                    ? "user:" + http.User.Identity.Name
                    : "address:" + http.Connection.RemoteIpAddress;
                // With Redis, replicas share one budget per user; without it (or while it is down) each counts alone.
                var shared = http.RequestServices.GetService<Redis.SharedRateLimitCounter>();
                if (shared is { IsConfigured: true })
                {
                    return RateLimitPartition.Get(partition, key => new Redis.SharedWindowRateLimiter(key, shared, options.RateLimitPerMinute, TimeSpan.FromMinutes(1)));
                }

                return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.RateLimitPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                IdentityHostLog.RateLimited(http.RequestServices.GetRequiredService<ILogger<WebHardeningOptions>>(), http.User.Identity?.IsAuthenticated == true ? "signed-in" : "anonymous", http.Request.Path);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new Mvc.ProblemDetails
                    {
                        Type = "urn:clinchat:problem:rate-limited",
                        Title = "Too many requests",
                        Detail = $"At most {options.RateLimitPerMinute} requests per minute: retry after the Retry-After seconds.",
                        Status = StatusCodes.Status429TooManyRequests,
                    },
                });
            };
        });
        return builder;
    }

    public static WebApplication UseWebHardening(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<WebHardeningOptions>();
        app.Use(static (http, next) =>
        {
            http.Response.OnStarting(static state => AddHeaders((HttpContext)state), http);
            return next(http);
        });

        if (options.HttpsRedirection == true)
        {
            app.UseHttpsRedirection();
        }

        app.Use(async (http, next) =>
        {
            if (!LimitBody(http, options.MaxRequestBodyBytes))
            {
                http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new Mvc.ProblemDetails { Title = "Request body too large", Status = StatusCodes.Status413PayloadTooLarge },
                });
                return;
            }

            await next(http);
        });

        if (options.CorsOrigins.Length > 0)
        {
            app.UseCors(CorsPolicy);
        }

        return app;
    }

    private static Task AddHeaders(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = PermissionsPolicy;
        if (http.Request.IsHttps)
        {
            headers.StrictTransportSecurity = StrictTransportSecurity;
        }

        // Answers carry clinical content and tokens: no shared or browser cache keeps them.
        if (http.Request.Path.StartsWithSegments("/api") && !headers.ContainsKey("Cache-Control"))
        {
            headers.CacheControl = "no-store";
        }

        return Task.CompletedTask;
    }

    /// <summary>False when the declared length is over the limit; otherwise lowers the server's limit for streamed bodies.</summary>
    private static bool LimitBody(HttpContext http, long limit)
    {
        var upload = HttpMethods.IsPost(http.Request.Method) && http.GetEndpoint() is RouteEndpoint route
            && EndpointPolicies.Normalise(route.RoutePattern) == "/api/documents";
        if (upload)
        {
            return true;
        }

        if (http.Request.ContentLength > limit)
        {
            return false;
        }

        var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }

        return true;
    }

    private static bool ServesHttps(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? string.Empty) + ";" +
            string.Join(';', configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]));
        return urls.Contains("https://", StringComparison.OrdinalIgnoreCase);
    }
}
