using ClinChat.Accuracy;
using ClinChat.Chat;
using ClinChat.Database;
using ClinChat.Documents;
using ClinChat.Drugs;
using ClinChat.Identity;
using ClinChat.Logging;
using ClinChat.Phi;
using ClinChat.Redis;
using ClinChat.Security;
using ClinChat.Telemetry;

namespace ClinChat.Hosting;

/// <summary>The web host: a table of contents of the services and endpoints ClinChat serves.</summary>
internal static class WebHost
{
    public const string DefaultUrl = "http://localhost:3000";

    /// <param name="configure">A last word on the builder (tests add a log capture through it).</param>
    public static WebApplication Build(string[] args, string dataDirectory, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var knowledge = builder.Configuration.GetSection(KnowledgeOptions.Section).Get<KnowledgeOptions>() ?? new KnowledgeOptions();
        knowledge.DataDirectory = dataDirectory;

        builder.Logging.AddPhiRedaction();
        builder.Services.AddServiceDefaults();
        builder.Services.AddStoreDatabase(builder.Configuration, dataDirectory);
        builder.Services.AddKnowledge(knowledge);
        builder.Services.AddRedis(builder.Configuration);
        builder.Services.AddKnowledgeHosting();
        builder.Services.AddDocuments();
        builder.Services.AddPhi();
        builder.Services.AddDrugs();
        builder.Services.AddTelemetry();
        builder.Services.AddAccuracy();
        builder.Services.AddSecurity(builder.Configuration, dataDirectory);
        builder.AddIdentityServices();

        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseServiceDefaults();
        app.UseAudit();
        app.UseIdentityServices();
        app.MapProbes();
        app.MapMetrics();
        app.MapChatEndpoints();
        app.MapAccuracyEndpoints();
        app.MapDocumentEndpoints();
        app.MapPhiEndpoints();
        app.MapDrugEndpoints();
        app.MapAuthEndpoints();
        app.MapSecurityEndpoints();
        return app;
    }
}
