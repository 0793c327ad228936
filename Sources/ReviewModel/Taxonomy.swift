/// The tag ids of `../shared/TAXONOMY.md`: the contract every codebook, store and report keeps.
public enum Taxonomy {
    /// The facet whose tags carry a subject.
    public static let characteristicFacet = "characteristic"
    /// The facet whose ids are the six categories (forms of violence).
    public static let categoryFacet = "category"
    /// The facet of review types (one per document; metadata).
    public static let reviewTypeFacet = "review-type"

    /// Every facet and its ids, in the order of TAXONOMY.md.
    public static let facets: [(facet: String, ids: [String])] = [
        ("review-type", ["dhr", "scr", "sar", "iir", "other"]),
        ("category", ["youth-peer-violence", "adult-peer-violence", "intimate-partner-violence", "adult-family-violence", "within-family-violence-towards-children", "child-sexual-abuse"]),
        ("outcome", ["homicide", "suicide", "non-fatal-harm", "perpetrator-suicide", "other-death"]),
        ("weapon", ["knife", "firearm", "blunt-object", "asphyxiation", "poisoning", "fall", "fire", "physical-assault"]),
        ("location", ["home", "public-place", "supported-accommodation", "healthcare-setting", "school", "other"]),
        ("characteristic", ["absent-parent", "childhood-abuse-neglect", "adult-abuse-neglect", "experiencing-domestic-abuse", "domestic-abuse-perpetrator", "domestic-abuse-in-pregnancy", "mental-health", "substance-misuse", "alcohol-misuse", "medication-non-compliance", "english-additional-language", "born-outside-uk", "insecure-immigration", "caring-responsibilities", "chronic-illness", "disability", "learning-disability", "autism", "unemployment", "homelessness", "financial-difficulties", "social-isolation", "history-of-violence", "history-of-offending", "gang-involvement", "criminal-exploitation", "care-experienced", "parental-mental-health", "household-substance-misuse", "school-exclusion", "sexual-exploitation", "self-neglect", "cuckooing-or-mate-crime", "previous-victimisation"]),
        ("relationship-type", ["partner", "ex-partner", "adult-child", "parent", "partner-of-parent", "sibling", "other-family", "acquaintance", "stranger", "foster-carer"]),
        ("relationship", ["domestic-abuse", "physical-abuse", "emotional-abuse", "coercive-control", "strain-or-separation", "financial-abuse", "stalking", "sexual-abuse", "carer", "neglect", "debt-conflict"]),
        ("escalation", ["escalating-offending", "going-missing", "carrying-weapons", "self-harm", "stopped-medication-or-discharged", "police-or-ambulance-callouts", "released-from-custody", "adverse-life-event", "threats-or-property-damage", "intoxication-before-incident", "pattern-of-physical-violence", "violence-to-others"]),
        ("context", ["gang-activity", "school", "exploitation", "poverty-debt", "insecure-housing", "supported-accommodation", "immigration-issues"]),
        ("agency", ["police", "childrens-social-care", "adult-social-care", "mental-health-services", "gp", "health-visitor", "acute-health", "maternity", "community-nursing", "learning-disability-services", "care-provider", "housing", "school", "substance-misuse-services", "probation", "youth-offending", "domestic-abuse-services", "ambulance"]),
        ("practice", ["safeguarding-not-recognised", "domestic-abuse-not-recognised", "no-carer-assessment", "arrest-not-pursued", "referral-not-made", "risk-to-others-not-assessed", "cultural-assumptions", "information-not-shared", "think-family-missed", "mental-capacity-not-assessed", "procedures-not-followed"]),
    ]

    /// Every contract tag id, `review-type` and `category` included.
    public static let allTags: [TagID] = facets.flatMap { entry in entry.ids.map { TagID(facet: entry.facet, id: $0) } }

    /// The ids of one facet (empty for an unknown facet).
    public static func ids(of facet: String) -> [String] {
        facets.first { $0.facet == facet }?.ids ?? []
    }

    /// Whether the tag is one of the contract ids.
    public static func contains(_ tag: TagID) -> Bool { ids(of: tag.facet).contains(tag.id) }

    /// The six categories in report order (Tables 3 to 6 of the reference analysis).
    public static let categoryOrder: [String] = [
        "youth-peer-violence", "intimate-partner-violence", "adult-family-violence",
        "adult-peer-violence", "within-family-violence-towards-children", "child-sexual-abuse",
    ]

    /// The review types.
    public static var reviewTypes: [String] { ids(of: reviewTypeFacet) }
}
