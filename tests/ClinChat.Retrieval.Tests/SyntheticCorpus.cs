namespace ClinChat.Retrieval.Tests;

/// <summary>
/// A small invented knowledge base for retrieval and answer tests. Written for these tests; not clinical advice.
/// Three documents share the title "Gout" and differ only in the kind of answer they give.
/// </summary>
public static class SyntheticCorpus
{
    public const string GoutSymptoms = "gout/symptoms.md";
    public const string GoutTreatment = "gout/treatment.md";
    public const string GoutCauses = "gout/causes.md";
    public const string WarfarinReversal = "anticoagulation/warfarin-reversal.md";
    public const string AtrialFibrillation = "anticoagulation/atrial-fibrillation.md";
    public const string Apixaban = "anticoagulation/apixaban.md";
    public const string Hyperkalaemia = "hyperkalaemia.md";
    public const string Asthma = "asthma.txt";
    public const string DiabetesMonitoring = "diabetes-monitoring.md";

    public static IReadOnlyDictionary<string, string> Files { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [GoutSymptoms] = """
            ---
            title: Gout
            url: https://example.org/gout/symptoms
            ---
            An attack of gout usually starts suddenly at night with intense pain in a single joint, most often at the base of the big toe.
            The affected joint becomes hot, swollen and red, and even the weight of a bedsheet can be unbearable.
            Symptoms reach their peak within about a day and settle over one to two weeks without lasting damage in early disease.
            """,
        [GoutTreatment] = """
            ---
            title: Gout
            url: https://example.org/gout/treatment
            ---
            A gout flare is treated with colchicine, a nonsteroidal anti-inflammatory drug or a short course of corticosteroid, started as early as possible.
            Long-term therapy with allopurinol lowers serum urate below 360 micromol/L and prevents further flares.
            Urate-lowering medications already taken are continued during a flare rather than stopped.
            """,
        [GoutCauses] = """
            ---
            title: Gout
            url: https://example.org/gout/causes
            ---
            Gout is caused by crystals of monosodium urate forming in and around joints when the urate level in the blood stays high for years.
            Raised urate results from the kidneys excreting too little uric acid or, less often, from the body producing too much.
            Thiazide diuretics, alcohol and chronic kidney disease make high urate more likely.
            """,
        [WarfarinReversal] = """
            ---
            title: Warfarin reversal
            ---
            Warfarin reversal in major bleeding needs intravenous vitamin K together with four-factor prothrombin complex concentrate.
            For a high INR without bleeding, warfarin is paused and oral vitamin K is considered when the INR is above 10.
            The INR is rechecked after reversal because the effect of vitamin K takes several hours to appear.
            """,
        [AtrialFibrillation] = """
            ---
            title: Atrial fibrillation and stroke prevention
            ---
            In atrial fibrillation the CHA2DS2-VASc score estimates the yearly risk of ischaemic stroke.
            Oral anticoagulation is offered to men with a score of 2 or more and to women with a score of 3 or more.
            A direct oral anticoagulant is preferred over a vitamin K antagonist for most people with non-valvular disease.
            """,
        [Apixaban] = """
            ---
            title: Apixaban dosing
            ---
            Apixaban is a direct factor Xa inhibitor taken twice daily for stroke prevention.
            The usual dose is 5 mg twice daily, reduced to 2.5 mg twice daily when two of these apply: age 80 or over, weight 60 kg or less, serum creatinine 133 micromol/L or more.
            """,
        [Hyperkalaemia] = """
            ---
            title: Hyperkalaemia
            url: https://example.org/hyperkalaemia
            ---
            # Hyperkalaemia

            ## Definition
            Hyperkalaemia is a serum potassium above 5.5 mmol/L, and a level of 6.5 mmol/L or more is severe.
            Haemolysis in the sample tube can raise the measured potassium falsely, so an unexpected result is repeated.

            ## Recognition
            Severe hyperkalaemia can cause muscle weakness and dangerous cardiac arrhythmias.
            The electrocardiogram may show peaked T waves, a widened QRS complex or a sine wave pattern before cardiac arrest.
            Every patient with a potassium of 6.5 mmol/L or more needs a 12-lead electrocardiogram straight away.

            ## Emergency treatment
            Intravenous calcium gluconate 10% is given first when the electrocardiogram shows changes, because it protects the heart within minutes.
            Insulin with glucose moves potassium into cells and lowers the serum level within thirty minutes.
            Nebulised salbutamol adds to the effect of insulin and glucose.
            Blood glucose is monitored for several hours after insulin because hypoglycaemia is common.

            ## Removing potassium
            Potassium binders such as sodium zirconium cyclosilicate remove potassium through the gut over hours.
            Haemodialysis is the most reliable way to remove potassium when the kidneys have failed.
            Drugs that raise potassium, such as spironolactone and ACE inhibitors, are reviewed and often paused.
            """,
        [Asthma] = """
            Acute asthma

            An acute asthma attack is assessed by peak expiratory flow, oxygen saturation and the ability to complete sentences.
            Inhaled salbutamol is repeated every 15 to 30 minutes in a moderate attack and given by oxygen-driven nebuliser in a severe one.
            Oral prednisolone 40 to 50 mg daily for at least five days is started in every acute attack.
            """,
        [DiabetesMonitoring] = """
            ---
            title: Type 2 diabetes monitoring
            ---
            In T2DM the HbA1c is measured every three to six months until it is stable on unchanged therapy, then every six months.
            An individual HbA1c target of 48 mmol/mol is usual for people managed by lifestyle and metformin.
            Kidney function is checked at least once a year because metformin doses depend on it.
            """,
    };

    public static void WriteTo(TempFolder folder)
    {
        foreach (var (path, text) in Files)
        {
            folder.Write(path, text);
        }
    }
}
