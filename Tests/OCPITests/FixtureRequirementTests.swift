import TestFixtures
import Testing

/// The fixture tests skip, loudly, where `../shared/fixtures` is absent; CI sets
/// `CHARGEREG_REQUIRE_FIXTURES=1` so that they can never skip there without failing.
@Suite struct FixtureRequirementTests {
    @Test func missingFixturesFailWhenTheyAreRequired() {
        if Fixtures.isRequired && !Fixtures.available {
            Issue.record("CHARGEREG_REQUIRE_FIXTURES=1, but \(Fixtures.missingMessage)")
        }
    }
}
