//! Table tests for scope, size and staffing: every size boundary of both channels, every product combination, the
//! category-3 policy switch.

use super::*;

fn products(list: &str) -> Products {
    if list == "none" {
        return Products::none();
    }
    list.split(',').map(|s| ProductClass::parse(s).unwrap()).collect()
}

fn scale_of(channel: Channel, employees: u64, revenue_yuan: u64) -> Scale {
    classify(channel, employees, revenue_yuan).0
}

/// Every bound of both channels, and one either side of it: employees with no revenue, revenue with no employees.
#[test]
fn size_boundaries_of_both_channels() {
    use Channel::{Retail, Wholesale};
    use Scale::{Large, Medium, Small};
    let employees = [
        (Wholesale, 0, Small),
        (Wholesale, 19, Small),
        (Wholesale, 20, Medium),
        (Wholesale, 21, Medium),
        (Wholesale, 199, Medium),
        (Wholesale, 200, Large),
        (Wholesale, 201, Large),
        (Retail, 0, Small),
        (Retail, 49, Small),
        (Retail, 50, Medium),
        (Retail, 51, Medium),
        (Retail, 299, Medium),
        (Retail, 300, Large),
        (Retail, 301, Large),
    ];
    for (channel, n, expected) in employees {
        assert_eq!(scale_of(channel, n, 0), expected, "{channel:?}, {n} employees");
    }
    let revenue = [
        (Wholesale, 49_999_999, Small),
        (Wholesale, 50_000_000, Medium),
        (Wholesale, 50_000_001, Medium),
        (Wholesale, 399_999_999, Medium),
        (Wholesale, 400_000_000, Large),
        (Wholesale, 400_000_001, Large),
        (Retail, 4_999_999, Small),
        (Retail, 5_000_000, Medium),
        (Retail, 5_000_001, Medium),
        (Retail, 199_999_999, Medium),
        (Retail, 200_000_000, Large),
        (Retail, 200_000_001, Large),
    ];
    for (channel, yuan, expected) in revenue {
        assert_eq!(scale_of(channel, 0, yuan), expected, "{channel:?}, {yuan} yuan");
    }
}

#[test]
fn either_criterion_is_enough_because_the_seed_says_or() {
    // DOMAIN §3 examples.
    assert_eq!(scale_of(Channel::Wholesale, 5, 100_000_000), Scale::Medium);
    assert_eq!(scale_of(Channel::Retail, 3, 6_000_000), Scale::Medium);
    // A large revenue wins over a small head count, and the other way round.
    assert_eq!(scale_of(Channel::Wholesale, 1, 400_000_000), Scale::Large);
    assert_eq!(scale_of(Channel::Retail, 300, 0), Scale::Large);
    // The same head count means different classes in the two channels.
    assert_eq!(scale_of(Channel::Wholesale, 20, 0), Scale::Medium);
    assert_eq!(scale_of(Channel::Retail, 20, 0), Scale::Small);
    assert_eq!(scale_of(Channel::Wholesale, 250, 0), Scale::Large);
    assert_eq!(scale_of(Channel::Retail, 250, 0), Scale::Medium);
}

#[test]
fn the_criteria_that_decided_are_reported() {
    assert_eq!(classify(Channel::Wholesale, 200, 400_000_000), (Scale::Large, true, true));
    assert_eq!(classify(Channel::Wholesale, 200, 0), (Scale::Large, true, false));
    assert_eq!(classify(Channel::Retail, 0, 5_000_000), (Scale::Medium, false, true));
    assert_eq!(classify(Channel::Retail, 1, 1), (Scale::Small, false, false));
}

/// (products, retail employees, policy, expected scale, in scope, director, officer)
#[test]
fn every_product_combination_at_every_scale_under_both_policies() {
    let table = [
        ("none", 5, Category3Policy::Seed, Scale::Small, false, false, false),
        ("none", 5, Category3Policy::Catalogue, Scale::Small, false, false, false),
        ("none", 60, Category3Policy::Seed, Scale::Medium, false, false, false),
        ("none", 60, Category3Policy::Catalogue, Scale::Medium, false, false, false),
        ("none", 400, Category3Policy::Seed, Scale::Large, false, false, false),
        ("none", 400, Category3Policy::Catalogue, Scale::Large, false, false, false),
        ("licence", 5, Category3Policy::Seed, Scale::Small, true, true, true),
        ("licence", 5, Category3Policy::Catalogue, Scale::Small, true, true, true),
        ("licence", 60, Category3Policy::Seed, Scale::Medium, true, true, true),
        ("licence", 60, Category3Policy::Catalogue, Scale::Medium, true, true, true),
        ("licence", 400, Category3Policy::Seed, Scale::Large, true, true, true),
        ("licence", 400, Category3Policy::Catalogue, Scale::Large, true, true, true),
        ("ccc", 5, Category3Policy::Seed, Scale::Small, true, true, true),
        ("ccc", 5, Category3Policy::Catalogue, Scale::Small, true, true, true),
        ("ccc", 60, Category3Policy::Seed, Scale::Medium, true, true, true),
        ("ccc", 60, Category3Policy::Catalogue, Scale::Medium, true, true, true),
        ("ccc", 400, Category3Policy::Seed, Scale::Large, true, true, true),
        ("ccc", 400, Category3Policy::Catalogue, Scale::Large, true, true, true),
        ("gb-safety", 5, Category3Policy::Seed, Scale::Small, true, false, true),
        ("gb-safety", 5, Category3Policy::Catalogue, Scale::Small, false, false, false),
        ("gb-safety", 60, Category3Policy::Seed, Scale::Medium, true, true, true),
        ("gb-safety", 60, Category3Policy::Catalogue, Scale::Medium, true, true, true),
        ("gb-safety", 400, Category3Policy::Seed, Scale::Large, true, true, true),
        ("gb-safety", 400, Category3Policy::Catalogue, Scale::Large, true, true, true),
        ("licence,ccc", 5, Category3Policy::Seed, Scale::Small, true, true, true),
        ("licence,ccc", 5, Category3Policy::Catalogue, Scale::Small, true, true, true),
        ("licence,ccc", 60, Category3Policy::Seed, Scale::Medium, true, true, true),
        ("licence,ccc", 60, Category3Policy::Catalogue, Scale::Medium, true, true, true),
        ("licence,ccc", 400, Category3Policy::Seed, Scale::Large, true, true, true),
        ("licence,ccc", 400, Category3Policy::Catalogue, Scale::Large, true, true, true),
        ("licence,gb-safety", 5, Category3Policy::Seed, Scale::Small, true, true, true),
        ("licence,gb-safety", 5, Category3Policy::Catalogue, Scale::Small, true, true, true),
        ("licence,gb-safety", 60, Category3Policy::Seed, Scale::Medium, true, true, true),
        ("licence,gb-safety", 60, Category3Policy::Catalogue, Scale::Medium, true, true, true),
        ("licence,gb-safety", 400, Category3Policy::Seed, Scale::Large, true, true, true),
        ("licence,gb-safety", 400, Category3Policy::Catalogue, Scale::Large, true, true, true),
        ("ccc,gb-safety", 5, Category3Policy::Seed, Scale::Small, true, true, true),
        ("ccc,gb-safety", 5, Category3Policy::Catalogue, Scale::Small, true, true, true),
        ("ccc,gb-safety", 60, Category3Policy::Seed, Scale::Medium, true, true, true),
        ("ccc,gb-safety", 60, Category3Policy::Catalogue, Scale::Medium, true, true, true),
        ("ccc,gb-safety", 400, Category3Policy::Seed, Scale::Large, true, true, true),
        ("ccc,gb-safety", 400, Category3Policy::Catalogue, Scale::Large, true, true, true),
        ("licence,ccc,gb-safety", 5, Category3Policy::Seed, Scale::Small, true, true, true),
        ("licence,ccc,gb-safety", 5, Category3Policy::Catalogue, Scale::Small, true, true, true),
        ("licence,ccc,gb-safety", 60, Category3Policy::Seed, Scale::Medium, true, true, true),
        ("licence,ccc,gb-safety", 60, Category3Policy::Catalogue, Scale::Medium, true, true, true),
        ("licence,ccc,gb-safety", 400, Category3Policy::Seed, Scale::Large, true, true, true),
        ("licence,ccc,gb-safety", 400, Category3Policy::Catalogue, Scale::Large, true, true, true),
    ];
    for (list, employees, policy, scale, in_scope, director, officer) in table {
        let unit = UnitProfile { channel: Channel::Retail, employees, revenue_yuan: 0, products: products(list) };
        let a = assess(&unit, policy);
        let case = format!("{list}, {employees} employees, {policy:?}");
        assert_eq!(a.scale, scale, "{case}");
        assert_eq!(a.in_scope, in_scope, "in scope: {case}");
        assert_eq!(a.director_required, director, "director: {case}");
        assert_eq!(a.officer_required, officer, "officer: {case}");
    }
}

#[test]
fn a_small_shop_selling_only_standard_products_needs_officers_but_no_director_by_the_seed() {
    let unit =
        UnitProfile { channel: Channel::Retail, employees: 3, revenue_yuan: 800_000, products: products("gb-safety") };
    let seed = assess(&unit, Category3Policy::Seed);
    assert!(seed.in_scope && seed.officer_required && !seed.director_required);
    assert!(seed.basis.contains(&Basis::Category3SmallSeed));
    let catalogue = assess(&unit, Category3Policy::Catalogue);
    assert!(!catalogue.in_scope && !catalogue.officer_required && !catalogue.director_required);
    assert!(catalogue.basis.contains(&Basis::Category3SmallCatalogue));
    assert_eq!(catalogue.basis.last(), Some(&Basis::OutOfScope));
}

#[test]
fn the_basis_reads_in_chinese_and_names_the_deciding_figures() {
    let unit =
        UnitProfile { channel: Channel::Wholesale, employees: 5, revenue_yuan: 100_000_000, products: products("ccc") };
    let a = assess(&unit, Category3Policy::Seed);
    let text: Vec<String> = a.basis.iter().map(ToString::to_string).collect();
    assert!(text[0].contains("批发单位") && text[0].contains("100,000,000 元"), "{}", text[0]);
    assert!(text[0].contains("营业收入达到50,000,000元以上") && text[0].contains("中型"), "{}", text[0]);
    assert!(text[1].contains("强制性产品认证") && text[1].contains("质量安全总监"), "{}", text[1]);
    assert!(text[2].contains("质量安全员"), "{}", text[2]);
}

#[test]
fn thousands_are_grouped() {
    assert_eq!(group_thousands(0), "0");
    assert_eq!(group_thousands(999), "999");
    assert_eq!(group_thousands(1_000), "1,000");
    assert_eq!(group_thousands(400_000_000), "400,000,000");
}
