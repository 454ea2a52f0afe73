//! The argument grammar. Values stay strings here and are parsed by each command, so every bad value gets the same
//! kind of message naming the argument and the value.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// zhian（质安）：工业产品销售单位质量安全主体责任（市场监管总局令第 76 号）。
#[derive(Debug, Parser)]
#[command(name = "zhian", version, disable_help_subcommand = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 判断单位是否适用《规定》、规模类型及须配备的质量安全总监、质量安全员
    Assess(AssessArgs),
    /// 自定义管控周期
    Cadence {
        #[command(subcommand)]
        command: CadenceCommand,
    },
    /// 统一社会信用代码、公民身份号码
    Id {
        #[command(subcommand)]
        command: IdCommand,
    },
    /// 计算日管控、周排查、月调度的应办事项及完成状态
    Obligations(ObligationsArgs),
    /// 透明日志：哈希、证明、检查点（供审计与脚本使用）
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// 离线校验证明包（记录、包含证明、签名检查点、验证公钥），或整个期间归档（.zip）
    Verify(VerifyBundleArgs),
    /// 导出单位某一期间的归档：全部法定文件、证明包、检查点与清单（.zip）
    Export(ExportArgs),
    /// 随机监督抽查的抽取：独立核对
    Draw {
        #[command(subcommand)]
        command: DrawCommand,
    },
    /// 启动服务（默认使用 ./zhian-data 下的嵌入式 SQLite）
    Serve(ServeArgs),
    /// 初始化：创建系统管理员并显示一次性密码
    Init(DbArgs),
    /// 执行数据库迁移
    Migrate(DbArgs),
    /// 用透明日志核对整个数据库：每条记录、每个存储哈希、每个签名检查点
    Audit(DbArgs),
}

#[derive(Debug, Args)]
pub struct DbArgs {
    /// 数据目录（默认 ./zhian-data；环境变量 ZHIAN_DATA_DIR）
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<String>,
    /// 数据库地址：sqlite://… 或 postgres://…（默认数据目录中的 SQLite；环境变量 ZHIAN_DATABASE_URL）
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// 监听地址（默认 127.0.0.1:8080；环境变量 ZHIAN_ADDR）
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
    /// 载入演示数据（一个区县的示例单位、人员和监管账号）并显示演示账号
    #[arg(long)]
    pub demo: bool,
    /// 另生成 N 个演示门店（每个有一名可登录的质量安全员，用于试用和压力测试），并显示其账号
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub demo_units: u32,
    /// 在 TLS 之后运行：会话 Cookie 加 Secure 属性
    #[arg(long)]
    pub secure_cookies: bool,
}

#[derive(Debug, Args)]
pub struct AssessArgs {
    /// 主营业务：wholesale（批发）或 retail（零售）
    #[arg(long, value_name = "wholesale|retail")]
    pub channel: String,
    /// 从业人员数（非负整数）
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub employees: String,
    /// 年营业收入，单位元（非负整数）
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub revenue_yuan: String,
    /// 销售的产品类别：none，或 licence,ccc,gb-safety 中的一项或多项（逗号分隔）
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    pub products: String,
    /// 第三类产品（有强制性国家标准要求）对小型单位的适用口径：seed（按《规定》，默认）或 catalogue（按适用产品目录）
    #[arg(long, value_name = "seed|catalogue", default_value = "seed")]
    pub category3: String,
    /// 输出 JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum CadenceCommand {
    /// 检查自定义周期能否替代某一层级的默认周期（退出码 0 有效，1 无效，2 格式错误）
    Check(CadenceCheckArgs),
}

#[derive(Debug, Args)]
pub struct CadenceCheckArgs {
    /// 层级：daily（日管控）、weekly（周排查）、monthly（月调度）
    #[arg(long, value_name = "daily|weekly|monthly")]
    pub tier: String,
    /// 周期：Nd、Nw、Nm 或 shift:K
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    pub every: String,
}

#[derive(Debug, Subcommand)]
pub enum IdCommand {
    /// 识别并校验统一社会信用代码或公民身份号码（退出码 0 有效，1 无效，2 无法识别）
    Check(IdCheckArgs),
}

#[derive(Debug, Args)]
pub struct IdCheckArgs {
    /// 18 位代码
    #[arg(value_name = "CODE", allow_hyphen_values = true)]
    pub code: String,
}

#[derive(Debug, Args)]
pub struct ObligationsArgs {
    /// 场景文件（JSON）
    #[arg(long, value_name = "FILE")]
    pub scenario: PathBuf,
    /// 输出 JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// 生成检查点签名密钥，写入 DIR/signing.key（仅属主可读）与 DIR/verifier.key，并输出验证公钥
    Keygen(KeygenArgs),
    /// 计算叶子文件（每行一个十六进制叶子）构成的树的根哈希
    Root(RootArgs),
    /// 生成包含证明（JSON）
    ProveInclusion(ProveInclusionArgs),
    /// 生成一致性证明（JSON）
    ProveConsistency(ProveConsistencyArgs),
    /// 校验包含证明
    VerifyInclusion(VerifyInclusionArgs),
    /// 校验一致性证明
    VerifyConsistency(VerifyConsistencyArgs),
    /// 对叶子文件构成的树签发检查点（签名便笺）
    Checkpoint(CheckpointArgs),
    /// 校验签名检查点
    VerifyCheckpoint(VerifyCheckpointArgs),
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// 签名算法：ed25519 或 sm2
    #[arg(long, value_name = "ed25519|sm2")]
    pub alg: String,
    /// 日志名（检查点首行，也是密钥名）
    #[arg(long, value_name = "NAME")]
    pub origin: String,
    /// 输出目录
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct RootArgs {
    /// 哈希算法：sm3（默认）或 sha256
    #[arg(long, value_name = "sm3|sha256", default_value = "sm3")]
    pub hash: String,
    /// 叶子文件
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ProveInclusionArgs {
    /// 哈希算法：sm3（默认）或 sha256
    #[arg(long, value_name = "sm3|sha256", default_value = "sm3")]
    pub hash: String,
    /// 叶子文件
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// 叶子序号（从 0 起）
    #[arg(long, value_name = "I")]
    pub index: u64,
    /// 树的大小（默认为文件中的全部叶子）
    #[arg(long, value_name = "N")]
    pub size: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ProveConsistencyArgs {
    /// 哈希算法：sm3（默认）或 sha256
    #[arg(long, value_name = "sm3|sha256", default_value = "sm3")]
    pub hash: String,
    /// 叶子文件
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// 旧树大小
    #[arg(long, value_name = "M")]
    pub old: u64,
    /// 新树大小（默认为文件中的全部叶子）
    #[arg(long, value_name = "N")]
    pub new: Option<u64>,
}

#[derive(Debug, Args)]
pub struct VerifyInclusionArgs {
    /// 哈希算法：sm3（默认）或 sha256
    #[arg(long, value_name = "sm3|sha256", default_value = "sm3")]
    pub hash: String,
    /// 叶子（十六进制）
    #[arg(long, value_name = "HEX", allow_hyphen_values = true)]
    pub leaf: String,
    /// 包含证明文件（prove-inclusion 的输出）
    #[arg(long, value_name = "FILE")]
    pub proof: PathBuf,
}

#[derive(Debug, Args)]
pub struct VerifyConsistencyArgs {
    /// 哈希算法：sm3（默认）或 sha256
    #[arg(long, value_name = "sm3|sha256", default_value = "sm3")]
    pub hash: String,
    /// 一致性证明文件（prove-consistency 的输出）
    #[arg(long, value_name = "FILE")]
    pub proof: PathBuf,
}

#[derive(Debug, Args)]
pub struct CheckpointArgs {
    /// 签名私钥文件（keygen 生成的 signing.key）
    #[arg(long, value_name = "KEYFILE")]
    pub key: PathBuf,
    /// 哈希算法：sm3（默认）或 sha256
    #[arg(long, value_name = "sm3|sha256", default_value = "sm3")]
    pub hash: String,
    /// 叶子文件
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct VerifyCheckpointArgs {
    /// 验证公钥（字符串，或保存它的文件）
    #[arg(long, value_name = "VERIFIERKEY")]
    pub vkey: String,
    /// 签名检查点文件
    #[arg(value_name = "NOTEFILE")]
    pub note: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum DrawCommand {
    /// 重新计算抽取：种子与承诺相符、候选名单与哈希相符、抽取结果可重算（读公示页下载的 draw.json）
    Verify(DrawVerifyArgs),
}

#[derive(Debug, Args)]
pub struct DrawVerifyArgs {
    /// 抽取文件（公示页 /spot-checks/{计划}/draw.json）
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct VerifyBundleArgs {
    /// 证明包文件（JSON），或 zhian export 导出的归档（.zip）
    #[arg(value_name = "BUNDLE")]
    pub bundle: PathBuf,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// 单位编号
    #[arg(long, value_name = "ID")]
    pub unit: i64,
    /// 起始日期（YYYY-MM-DD）
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// 结束日期（YYYY-MM-DD，含当日）
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// 输出文件（.zip）
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// 记为导出人的账号（默认 admin）
    #[arg(long, value_name = "USERNAME", default_value = "admin")]
    pub by: String,
    #[command(flatten)]
    pub db: DbArgs,
}
