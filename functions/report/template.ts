/**
 * The national template of the annual report on government information disclosure
 * (政府信息公开工作年度报告), both editions, as data.
 *
 * Parser, validator, record schema, CLI tables and the web view all derive from this one
 * definition. Keys and values follow ../shared/spec/record.md exactly.
 */

export const EDITIONS = ["2019", "2021"] as const;
export type Edition = (typeof EDITIONS)[number];

export const SECTION = {
  ACTIVE_DISCLOSURE: "activeDisclosure",
  APPLICATIONS: "applications",
  REVIEW_LITIGATION: "reviewLitigation",
} as const;
export type SectionKey = (typeof SECTION)[keyof typeof SECTION];

/** Section titles as the template prints them (used in messages and views). */
export const SECTION_TITLES: Record<SectionKey, string> = {
  activeDisclosure: "二、主动公开政府信息情况",
  applications: "三、收到和处理政府信息公开申请情况",
  reviewLitigation: "四、政府信息公开行政复议、行政诉讼情况",
};

// ---------------------------------------------------------------------------
// Section 二: active disclosure (第二十条 items)

export type ColumnDef = {
  key: string;
  label: string;
  /** Only `change` (本年增/减) may be negative. */
  signed?: boolean;
  /** Money in 万元: the unit rules of the contract apply. */
  money?: boolean;
};

export type DisclosureRowDef = {
  key: string;
  label: string;
  /** Labels as printed, compared after normalisation and removal of white space. */
  variants: readonly string[];
};

export type DisclosureItemDef = {
  /** The item of 第二十条 that prints the table: (一), (五), (六), (八), (九). */
  item: string;
  rows: readonly DisclosureRowDef[];
  columns: Readonly<Record<Edition, readonly ColumnDef[]>>;
  /** Rows that exist only in the 2019 edition. */
  editions: readonly Edition[];
};

const COUNTS_2019: readonly ColumnDef[] = [
  { key: "previousCount", label: "上一年项目数量" },
  { key: "change", label: "本年增/减", signed: true },
  { key: "decisions", label: "处理决定数量" },
];
const DECISIONS_2021: readonly ColumnDef[] = [{ key: "decisions", label: "本年处理决定数量" }];

export const DISCLOSURE_ITEMS: readonly DisclosureItemDef[] = [
  {
    item: "（一）",
    editions: ["2019", "2021"],
    rows: [
      { key: "rules", label: "规章", variants: ["规章", "规章(地方政府规章)", "地方政府规章"] },
      { key: "normativeDocuments", label: "规范性文件", variants: ["规范性文件", "行政规范性文件"] },
    ],
    columns: {
      "2019": [
        { key: "newlyMade", label: "本年新制作数量" },
        { key: "newlyPublished", label: "本年新公开数量" },
        { key: "totalPublished", label: "对外公开总数量" },
      ],
      "2021": [
        { key: "issued", label: "本年制发件数" },
        { key: "repealed", label: "本年废止件数" },
        { key: "inForce", label: "现行有效件数" },
      ],
    },
  },
  {
    item: "（五）",
    editions: ["2019", "2021"],
    rows: [
      { key: "licensing", label: "行政许可", variants: ["行政许可"] },
      { key: "otherManagementServices", label: "其他对外管理服务事项", variants: ["其他对外管理服务事项"] },
    ],
    columns: { "2019": COUNTS_2019, "2021": DECISIONS_2021 },
  },
  {
    item: "（六）",
    editions: ["2019", "2021"],
    rows: [
      { key: "penalties", label: "行政处罚", variants: ["行政处罚"] },
      { key: "coercion", label: "行政强制", variants: ["行政强制"] },
    ],
    columns: { "2019": COUNTS_2019, "2021": DECISIONS_2021 },
  },
  {
    item: "（八）",
    editions: ["2019", "2021"],
    rows: [{ key: "fees", label: "行政事业性收费", variants: ["行政事业性收费"] }],
    columns: {
      "2019": [
        { key: "previousCount", label: "上一年项目数量" },
        { key: "change", label: "本年增/减", signed: true },
      ],
      "2021": [{ key: "amountTenThousandYuan", label: "本年收费金额（万元）", money: true }],
    },
  },
  {
    item: "（九）",
    editions: ["2019"],
    rows: [{ key: "procurement", label: "政府集中采购", variants: ["政府集中采购"] }],
    columns: {
      "2019": [
        { key: "projects", label: "采购项目数量" },
        { key: "amountTenThousandYuan", label: "采购总金额", money: true },
      ],
      "2021": [],
    },
  },
];

/** Rows of section 二 that an edition prints. 其他对外管理服务事项 is 2019 only. */
export function disclosureRowsOf(edition: Edition): { item: DisclosureItemDef; row: DisclosureRowDef; columns: readonly ColumnDef[] }[] {
  const out: { item: DisclosureItemDef; row: DisclosureRowDef; columns: readonly ColumnDef[] }[] = [];
  for (const item of DISCLOSURE_ITEMS) {
    if (!item.editions.includes(edition)) continue;
    for (const row of item.rows) {
      if (edition === "2021" && row.key === "otherManagementServices") continue;
      out.push({ item, row, columns: item.columns[edition] });
    }
  }
  return out;
}

/** Items of section 二 with the rows an edition prints, in template order. */
export function disclosureItemsOf(edition: Edition): { item: DisclosureItemDef; rows: DisclosureRowDef[]; columns: readonly ColumnDef[] }[] {
  return DISCLOSURE_ITEMS.filter((item) => item.editions.includes(edition)).map((item) => ({
    item,
    rows: item.rows.filter((row) => !(edition === "2021" && row.key === "otherManagementServices")),
    columns: item.columns[edition],
  }));
}

// ---------------------------------------------------------------------------
// Section 三: applications

export const APPLICANT_COLUMNS = [
  { key: "naturalPerson", label: "自然人" },
  { key: "commercialEnterprise", label: "商业企业" },
  { key: "researchInstitution", label: "科研机构" },
  { key: "publicInterestOrganization", label: "社会公益组织" },
  { key: "legalServiceAgency", label: "法律服务机构" },
  { key: "otherOrganization", label: "其他" },
  { key: "total", label: "总计" },
] as const;
export type ApplicantColumn = (typeof APPLICANT_COLUMNS)[number]["key"];
/** The six applicant columns whose sum is `total`. */
export const APPLICANT_PARTS = APPLICANT_COLUMNS.filter((c) => c.key !== "total").map((c) => c.key);

export type ApplicationRowDef = {
  key: string;
  /** The label as the template prints it, with its group where it has one. */
  label: string;
  group?: string;
  /**
   * Distinctive phrases: a label cell (normalised, without white space) that contains one of
   * them names this row. The innermost label cell of a printed row decides.
   */
  phrases: readonly string[];
  /** Phrases that must equal the whole label once its numbering is stripped (for short labels). */
  exact?: readonly string[];
  editions: readonly Edition[];
  /** A result row of 三、本年度办理结果 (summed into （七）总计). */
  result: boolean;
  /**
   * Editions whose template splits this row into sub-rows (the rows whose `group` is this row's
   * label) but whose reports may print it as one row instead: a 2021-edition report printing
   * （六）其他处理 without its three sub-rows records `otherHandling`, the sub-rows absent.
   */
  oneRowIn?: readonly Edition[];
};

const BOTH: readonly Edition[] = ["2019", "2021"];

export const APPLICATION_ROWS: readonly ApplicationRowDef[] = [
  { key: "newReceived", label: "一、本年新收政府信息公开申请数量", phrases: ["本年新收"], editions: BOTH, result: false },
  { key: "carriedOver", label: "二、上年结转政府信息公开申请数量", phrases: ["上年结转"], editions: BOTH, result: false },
  { key: "granted", label: "（一）予以公开", phrases: ["予以公开"], editions: BOTH, result: true },
  { key: "partiallyGranted", label: "（二）部分公开", phrases: ["部分公开"], editions: BOTH, result: true },
  { key: "denied.stateSecret", group: "（三）不予公开", label: "1.属于国家秘密", phrases: ["国家秘密"], editions: BOTH, result: true },
  { key: "denied.lawProhibited", group: "（三）不予公开", label: "2.其他法律行政法规禁止公开", phrases: ["法律行政法规禁止", "法规禁止公开"], editions: BOTH, result: true },
  { key: "denied.safetyStability", group: "（三）不予公开", label: "3.危及“三安全一稳定”", phrases: ["三安全一稳定", "三安全", "一稳定"], editions: BOTH, result: true },
  { key: "denied.thirdPartyRights", group: "（三）不予公开", label: "4.保护第三方合法权益", phrases: ["第三方合法权益", "保护第三方"], editions: BOTH, result: true },
  { key: "denied.internalAffairs", group: "（三）不予公开", label: "5.属于三类内部事务信息", phrases: ["内部事务"], editions: BOTH, result: true },
  { key: "denied.processInformation", group: "（三）不予公开", label: "6.属于四类过程性信息", phrases: ["过程性信息"], editions: BOTH, result: true },
  { key: "denied.enforcementFiles", group: "（三）不予公开", label: "7.属于行政执法案卷", phrases: ["行政执法案卷"], editions: BOTH, result: true },
  { key: "denied.administrativeQuery", group: "（三）不予公开", label: "8.属于行政查询事项", phrases: ["行政查询事项"], editions: BOTH, result: true },
  { key: "unavailable.notHeld", group: "（四）无法提供", label: "1.本机关不掌握相关政府信息", phrases: ["不掌握"], editions: BOTH, result: true },
  { key: "unavailable.needsCreation", group: "（四）无法提供", label: "2.没有现成信息需要另行制作", phrases: ["另行制作", "没有现成信息"], editions: BOTH, result: true },
  { key: "unavailable.unclearAfterCorrection", group: "（四）无法提供", label: "3.补正后申请内容仍不明确", phrases: ["仍不明确", "补正后申请"], editions: BOTH, result: true },
  { key: "notProcessed.complaint", group: "（五）不予处理", label: "1.信访举报投诉类申请", phrases: ["信访举报投诉"], editions: BOTH, result: true },
  { key: "notProcessed.duplicate", group: "（五）不予处理", label: "2.重复申请", phrases: ["重复申请"], editions: BOTH, result: true },
  { key: "notProcessed.publication", group: "（五）不予处理", label: "3.要求提供公开出版物", phrases: ["公开出版物"], editions: BOTH, result: true },
  { key: "notProcessed.excessive", group: "（五）不予处理", label: "4.无正当理由大量反复申请", phrases: ["大量反复申请", "大量反复"], editions: BOTH, result: true },
  { key: "notProcessed.confirmation", group: "（五）不予处理", label: "5.要求行政机关确认或重新出具已获取信息", phrases: ["确认或重新出具", "重新出具"], editions: BOTH, result: true },
  { key: "otherHandling", label: "（六）其他处理", phrases: ["其他处理"], editions: ["2019"], oneRowIn: ["2021"], result: true },
  { key: "otherHandling.noCorrection", group: "（六）其他处理", label: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", phrases: ["逾期不补正"], editions: ["2021"], result: true },
  { key: "otherHandling.noFee", group: "（六）其他处理", label: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", phrases: ["缴纳费用", "逾期未按收费"], editions: ["2021"], result: true },
  { key: "otherHandling.other", group: "（六）其他处理", label: "3.其他", phrases: [], exact: ["其他"], editions: ["2021"], result: true },
  { key: "resultsTotal", label: "（七）总计", phrases: ["(七)总计"], editions: BOTH, result: false },
  { key: "carriedForward", label: "四、结转下年度继续办理", phrases: ["结转下年度"], editions: BOTH, result: false },
];

/** The rows of section 三 that an edition's template prints, in template order. */
export function applicationRowsOf(edition: Edition): readonly ApplicationRowDef[] {
  return APPLICATION_ROWS.filter((row) => row.editions.includes(edition));
}

/**
 * The rows a record of an edition may hold, in template order: the template's rows plus the
 * one-row forms its reports print in place of a group of sub-rows (see `oneRowIn`).
 */
export function recordedApplicationRowsOf(edition: Edition): readonly ApplicationRowDef[] {
  return APPLICATION_ROWS.filter((row) => row.editions.includes(edition) || (row.oneRowIn ?? []).includes(edition));
}

/** The sub-rows that a one-row form stands for (`otherHandling` → its three 2021 sub-rows). */
export function subRowsOf(row: ApplicationRowDef, edition: Edition): readonly ApplicationRowDef[] {
  return applicationRowsOf(edition).filter((r) => r.group === row.label);
}

// ---------------------------------------------------------------------------
// Section 四: administrative review and litigation

export const REVIEW_GROUPS = [
  { key: "review", label: "行政复议" },
  { key: "litigationDirect", label: "行政诉讼·未经复议直接起诉" },
  { key: "litigationAfterReview", label: "行政诉讼·复议后起诉" },
] as const;
export type ReviewGroup = (typeof REVIEW_GROUPS)[number]["key"];

export const REVIEW_COLUMNS = [
  { key: "upheld", label: "结果维持" },
  { key: "corrected", label: "结果纠正" },
  { key: "other", label: "其他结果" },
  { key: "pending", label: "尚未审结" },
  { key: "total", label: "总计" },
] as const;
export type ReviewColumn = (typeof REVIEW_COLUMNS)[number]["key"];
export const REVIEW_PARTS = REVIEW_COLUMNS.filter((c) => c.key !== "total").map((c) => c.key);

// ---------------------------------------------------------------------------
// Edition detection: the column headers say which edition a report uses.

export const EDITION_MARKERS: Readonly<Record<Edition, readonly string[]>> = {
  "2019": ["本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "采购项目数量", "政府集中采购"],
  "2021": ["本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额", "逾期不补正", "缴纳费用"],
};

// ---------------------------------------------------------------------------
// Rules (the identities the template states) and their names in findings.

export const RULE = {
  ROW_TOTAL: "applications.rowTotal",
  RESULTS_TOTAL: "applications.resultsTotal",
  BALANCE: "applications.balance",
  REVIEW_TOTAL: "reviewLitigation.total",
  TABLE_MISSING: "table.missing",
  UNIT_ASSUMED: "activeDisclosure.unitAssumed",
  CELL_INFERRED: "table.inferred",
  CELL_UNREAD: "table.cellUnread",
  /** Labels unreadable (Textract reads no Chinese): figures placed by grid position, labels not checked. */
  LABELS_UNREAD: "table.labelsUnread",
  /** A misprinted or shortened row label, placed by the template's row order and its likeness (warning). */
  LABEL_FUZZY: "table.labelFuzzy",
  /** `/`, `—`, `-` or `无` printed for nothing: recorded as 0 (info). */
  PRINTED_NOTHING: "table.printedNothing",
  NARRATIVE_MISMATCH: "narrative.mismatch",
  /** The prose says every application was concluded (`全部办结`) while 四、结转下年度继续办理 > 0 (warning). */
  NARRATIVE_ALL_CONCLUDED: "narrative.allConcluded",
  /** Section 五 (存在的主要问题及改进情况) missing, empty or `无` (warning). */
  AUDIT_PROBLEMS_SECTION: "audit.problemsSection",
  /** Section 六 says no fees were collected while 第二十条第（八）项 收费金额 > 0 (warning). */
  AUDIT_FEES_STATEMENT: "audit.feesStatement",
  /** A statistics period, or the year opening section 一, that is not the report's year (warning). */
  AUDIT_PERIOD_YEAR: "audit.periodYear",
  /** How many cells of tables 三 and 四 were printed blank or with `/` (warning: a blank may not mean 0). */
  AUDIT_BLANK_CELLS: "audit.blankCells",
  /** Headings numbered out of order, or a section's heading under another number (warning). */
  AUDIT_HEADING_ORDER: "audit.headingOrder",
  /** The sections' headings use two numbering systems (`一、` and `(二)`, `3.`…) (warning). */
  AUDIT_HEADING_NUMBERING: "audit.headingNumbering",
  /** A section of the template (一 总体情况, 六 其他需要报告的事项) not found (warning). */
  AUDIT_SECTION_MISSING: "audit.sectionMissing",
  /** A reviewer's correction of a misread cell that a newer parser's reading disagrees with (warning; functions/report/reviews.ts). */
  REVIEW_DISPUTED: "review.correctionDisputed",
  /** Two files of one logical report (same body, year and edition) print a figure differently (warning; ./sources.ts). */
  SOURCES_DISAGREE: "sources.disagree",
  CROSS_YEAR_CARRY_OVER: "crossYear.carryOver",
  CROSS_YEAR_IN_FORCE: "crossYear.inForce",
} as const;
export type Rule = (typeof RULE)[keyof typeof RULE];

export const SEVERITY = { ERROR: "error", WARNING: "warning", INFO: "info" } as const;
export type Severity = (typeof SEVERITY)[keyof typeof SEVERITY];

/** A finding's severity as a Chinese reader sees it (CLI, web page). */
export const SEVERITY_LABELS: Record<Severity, string> = { error: "错误", warning: "警告", info: "提示" };

export { STATUS, type Status } from "../shared/status.ts";

