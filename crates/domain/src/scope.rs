//! Scope, size class and staffing: which units must comply, how large they are, whom they must appoint.
//!
//! Implements DOMAIN §2 (scope), §3 (size classification) and §4 (staffing), from the seed's answers to
//! "哪些产品的销售单位……需要落实质量安全主体责任", "工业产品大中型销售单位的标准是什么" and
//! "哪些产品的销售单位需要配备质量安全总监".

use std::fmt;

use serde::Serialize;

/// The unit's principal business (DOMAIN §3): 批发 wholesale or 零售 retail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 批发 wholesale.
    Wholesale,
    /// 零售 retail.
    Retail,
}

impl Channel {
    /// The Chinese name, as a person reads it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Wholesale => "批发",
            Self::Retail => "零售",
        }
    }

    /// The size thresholds of this channel (DOMAIN §3 table).
    #[must_use]
    pub fn thresholds(self) -> Thresholds {
        match self {
            // Seed: 从业人员二百人以上或者营业收入四亿元以上的批发单位 (large);
            // 从业人员二十人以上二百人以下或者营业收入五千万元以上四亿元以下的批发单位 (medium).
            Self::Wholesale => Thresholds {
                large_employees: 200,
                large_revenue_yuan: 400_000_000,
                medium_employees: 20,
                medium_revenue_yuan: 50_000_000,
            },
            // Seed: 从业人员三百人以上或者营业收入二亿元以上的零售单位 (large);
            // 从业人员五十人以上三百人以下或者营业收入五百万元以上二亿元以下的零售单位 (medium).
            Self::Retail => Thresholds {
                large_employees: 300,
                large_revenue_yuan: 200_000_000,
                medium_employees: 50,
                medium_revenue_yuan: 5_000_000,
            },
        }
    }

    /// `wholesale` or `retail`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Wholesale => "wholesale",
            Self::Retail => "retail",
        }
    }

    /// Parses `wholesale` or `retail`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "wholesale" => Some(Self::Wholesale),
            "retail" => Some(Self::Retail),
            _ => None,
        }
    }
}

/// The lower bounds (inclusive) of the large and medium classes of one channel. A medium class's upper bound is the
/// large class's lower bound; the seed's "以上/以下" both include the number itself (Civil Code Art. 1259), so the
/// large class is tested first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Employees at or above which a unit is large.
    pub large_employees: u64,
    /// Annual revenue in yuan at or above which a unit is large.
    pub large_revenue_yuan: u64,
    /// Employees at or above which a unit is at least medium.
    pub medium_employees: u64,
    /// Annual revenue in yuan at or above which a unit is at least medium.
    pub medium_revenue_yuan: u64,
}

/// The three kinds of product that bring a seller into scope (DOMAIN §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProductClass {
    /// 实施工业产品生产许可证管理的产品 — the production licence catalogue.
    Licence,
    /// 实施强制性产品认证管理的产品 — compulsory certification (CCC).
    Ccc,
    /// 涉及人身健康和生命财产安全并有强制性国家标准要求的产品 — products with a mandatory national safety standard.
    GbSafety,
}

impl ProductClass {
    /// Every class, in a fixed order.
    pub const ALL: [Self; 3] = [Self::Licence, Self::Ccc, Self::GbSafety];

    /// The command-line and API name: `licence`, `ccc`, `gb-safety`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Licence => "licence",
            Self::Ccc => "ccc",
            Self::GbSafety => "gb-safety",
        }
    }

    /// Parses a code as given by [`ProductClass::code`].
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }

    /// The Chinese description, as a person reads it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Licence => "实施工业产品生产许可证管理的产品",
            Self::Ccc => "实施强制性产品认证（CCC）管理的产品",
            Self::GbSafety => "涉及人身健康和生命财产安全并有强制性国家标准要求的产品",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Self::Licence => 1,
            Self::Ccc => 2,
            Self::GbSafety => 4,
        }
    }
}

/// The set of product classes a unit sells.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Products(u8);

impl Products {
    /// No regulated products.
    #[must_use]
    pub const fn none() -> Self {
        Self(0)
    }

    /// This set with one more class.
    #[must_use]
    pub fn with(self, class: ProductClass) -> Self {
        Self(self.0 | class.bit())
    }

    /// Whether the set holds a class.
    #[must_use]
    pub fn contains(self, class: ProductClass) -> bool {
        self.0 & class.bit() != 0
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The classes in the set, in the fixed order of [`ProductClass::ALL`].
    pub fn iter(self) -> impl Iterator<Item = ProductClass> {
        ProductClass::ALL.into_iter().filter(move |c| self.contains(*c))
    }
}

impl FromIterator<ProductClass> for Products {
    fn from_iter<I: IntoIterator<Item = ProductClass>>(iter: I) -> Self {
        iter.into_iter().fold(Self::none(), Self::with)
    }
}

/// Size class (DOMAIN §3): 大型, 中型, 小型 (small includes micro).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// 大型 large.
    Large,
    /// 中型 medium.
    Medium,
    /// 小型 small (including micro).
    Small,
}

impl Scale {
    /// The Chinese name.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Large => "大型",
            Self::Medium => "中型",
            Self::Small => "小型",
        }
    }

    /// `large`, `medium` or `small`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Large => "large",
            Self::Medium => "medium",
            Self::Small => "small",
        }
    }

    /// Large or medium.
    #[must_use]
    pub fn is_large_or_medium(self) -> bool {
        matches!(self, Self::Large | Self::Medium)
    }
}

/// How to read category 3 (products with a mandatory national standard) for small units (DOMAIN §2 \[reading\]).
///
/// The seed brings every seller of such products into scope; the 2023 applicable-product catalogue notes that
/// category 3 applies only to large and medium units. The default follows the seed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category3Policy {
    /// The seed: a small unit selling only category-3 products is in scope, needs officers, no director.
    #[default]
    Seed,
    /// The catalogue reading: category 3 applies to large and medium units only.
    Catalogue,
}

impl Category3Policy {
    /// Parses `seed` or `catalogue`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "seed" => Some(Self::Seed),
            "catalogue" => Some(Self::Catalogue),
            _ => None,
        }
    }
}

/// The facts about a unit the rules need. Money in whole yuan, never floats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitProfile {
    /// Principal business.
    pub channel: Channel,
    /// 从业人员 — people employed.
    pub employees: u64,
    /// 营业收入 — annual revenue in yuan.
    pub revenue_yuan: u64,
    /// The regulated product classes the unit sells.
    pub products: Products,
}

/// One rule applied in an assessment, readable on its own (in Chinese through `Display`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// The size class and the criteria that decided it.
    Scale {
        /// Channel of the unit.
        channel: Channel,
        /// Resulting class.
        scale: Scale,
        /// Employees given.
        employees: u64,
        /// Revenue given, in yuan.
        revenue_yuan: u64,
        /// The employee criterion of `scale` was met.
        by_employees: bool,
        /// The revenue criterion of `scale` was met.
        by_revenue: bool,
    },
    /// A product class sold by the unit brings it into scope and requires a director.
    DirectorByProduct(ProductClass),
    /// Category-3 products sold by a large or medium unit: in scope, director required.
    Category3LargeOrMedium(Scale),
    /// Category-3 products sold by a small unit, read by the seed: in scope, officers only.
    Category3SmallSeed,
    /// Category-3 products sold by a small unit, read by the catalogue: not a ground for scope.
    Category3SmallCatalogue,
    /// Every in-scope unit appoints at least one officer; the count is not fixed by law.
    OfficerRequired,
    /// No regulated product: the regulation does not apply.
    OutOfScope,
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Scale { channel, scale, employees, revenue_yuan, by_employees, by_revenue } => {
                let t = channel.thresholds();
                let (emp_bound, rev_bound) = match scale {
                    Scale::Large => (t.large_employees, t.large_revenue_yuan),
                    Scale::Medium | Scale::Small => (t.medium_employees, t.medium_revenue_yuan),
                };
                let facts = format!(
                    "{}单位，从业人员 {employees} 人，营业收入 {} 元",
                    channel.label(),
                    group_thousands(revenue_yuan)
                );
                let met = match (by_employees, by_revenue) {
                    (true, true) => format!("从业人员与营业收入均达到{}标准", scale.label()),
                    (true, false) => format!("从业人员达到{emp_bound}人以上"),
                    (false, true) => format!("营业收入达到{}元以上", group_thousands(rev_bound)),
                    (false, false) => format!(
                        "从业人员不足{emp_bound}人且营业收入不足{}元，未达中型标准",
                        group_thousands(rev_bound)
                    ),
                };
                write!(
                    f,
                    "规模：{facts}；{met}，属{}销售单位（两项满足其一即可，“以上”“以下”含本数，先判大型）",
                    scale.label()
                )
            }
            Self::DirectorByProduct(class) => write!(
                f,
                "销售{}：适用《规定》，无论规模大小均须配备质量安全总监",
                class.label()
            ),
            Self::Category3LargeOrMedium(scale) => write!(
                f,
                "{}销售单位销售{}：适用《规定》，须配备质量安全总监",
                scale.label(),
                ProductClass::GbSafety.label()
            ),
            Self::Category3SmallSeed => write!(
                f,
                "小型销售单位销售{}：按《规定》适用，须配备质量安全员，无须配备质量安全总监",
                ProductClass::GbSafety.label()
            ),
            Self::Category3SmallCatalogue => write!(
                f,
                "小型销售单位销售{}：按适用产品目录的解读，该类产品仅对大中型销售单位适用（可切换的政策选项）",
                ProductClass::GbSafety.label()
            ),
            Self::OfficerRequired => f.write_str(
                "适用《规定》的销售单位须配备质量安全员（至少一名；人数应与单位规模、产品类别、风险等级相适应，法规未定具体数量）",
            ),
            Self::OutOfScope => f.write_str(
                "未销售实施生产许可证管理、强制性产品认证管理或有强制性国家标准要求的工业产品：不适用《规定》",
            ),
        }
    }
}

/// The outcome of assessing a unit against Order No. 76.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Whether the unit must comply.
    pub in_scope: bool,
    /// Its size class (computed whether in scope or not).
    pub scale: Scale,
    /// Whether a 质量安全总监 must be appointed.
    pub director_required: bool,
    /// Whether 质量安全员 must be appointed (at least one).
    pub officer_required: bool,
    /// The rules applied, in order.
    pub basis: Vec<Basis>,
}

/// The size class of a unit (DOMAIN §3).
///
/// Seed: "工业产品大型销售单位是指从业人员二百人以上或者营业收入四亿元以上的批发单位，以及从业人员三百人以上或者营业收入
/// 二亿元以上的零售单位；工业产品中型销售单位是指从业人员二十人以上二百人以下或者营业收入五千万元以上四亿元以下的批发单位，
/// 以及从业人员五十人以上三百人以下或者营业收入五百万元以上二亿元以下的零售单位。" The seed says **or**; bounds are
/// inclusive; large is tested first, so a bound shared by both classes falls in the large one.
#[must_use]
pub fn classify(channel: Channel, employees: u64, revenue_yuan: u64) -> (Scale, bool, bool) {
    let t = channel.thresholds();
    let large = (employees >= t.large_employees, revenue_yuan >= t.large_revenue_yuan);
    if large.0 || large.1 {
        return (Scale::Large, large.0, large.1);
    }
    let medium = (employees >= t.medium_employees, revenue_yuan >= t.medium_revenue_yuan);
    if medium.0 || medium.1 {
        return (Scale::Medium, medium.0, medium.1);
    }
    (Scale::Small, false, false)
}

/// Assesses a unit: scope (DOMAIN §2), size (§3) and staffing (§4).
///
/// Seed: "销售工业产品生产许可证管理产品的单位、销售强制性产品认证管理产品的单位，以及其他涉及人身健康和生命财产安全并有
/// 强制性国家标准要求的工业产品大中型销售单位。需要配备质量安全总监。" Every in-scope unit appoints officers; the seed
/// sets no head count ("没有提出具体的数量要求"), so none is invented beyond one.
#[must_use]
pub fn assess(unit: &UnitProfile, policy: Category3Policy) -> Assessment {
    let (scale, by_employees, by_revenue) = classify(unit.channel, unit.employees, unit.revenue_yuan);
    let mut basis = vec![Basis::Scale {
        channel: unit.channel,
        scale,
        employees: unit.employees,
        revenue_yuan: unit.revenue_yuan,
        by_employees,
        by_revenue,
    }];
    let mut in_scope = false;
    let mut director_required = false;
    for class in [ProductClass::Licence, ProductClass::Ccc] {
        if unit.products.contains(class) {
            in_scope = true;
            director_required = true;
            basis.push(Basis::DirectorByProduct(class));
        }
    }
    if unit.products.contains(ProductClass::GbSafety) {
        if scale.is_large_or_medium() {
            in_scope = true;
            director_required = true;
            basis.push(Basis::Category3LargeOrMedium(scale));
        } else {
            match policy {
                Category3Policy::Seed => {
                    in_scope = true;
                    basis.push(Basis::Category3SmallSeed);
                }
                Category3Policy::Catalogue => basis.push(Basis::Category3SmallCatalogue),
            }
        }
    }
    basis.push(if in_scope { Basis::OfficerRequired } else { Basis::OutOfScope });
    Assessment { in_scope, scale, director_required, officer_required: in_scope, basis }
}

/// `1234567` → `1,234,567`.
fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
