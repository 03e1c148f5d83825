//! A document's dependencies by package row, both ways, and the trees walked from one package:
//! what it depends on, or what depends on it, a few levels deep and a bounded width per level.

use foldhash::{HashMap, HashMapExt};

use super::model::Document;

/// The dependencies of one document by package row: built once (a distro image's SBOM holds
/// 100,000 packages), then each tree is a few lookups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DependencyIndex {
    /// Each package's row, by its id.
    rows: HashMap<String, usize>,
    /// From a package's row: the ids it depends on, with the relationship.
    depends_on: HashMap<usize, Vec<Link>>,
    /// From a package's row: the ids that depend on it, with the relationship.
    dependents: HashMap<usize, Vec<Link>>,
}

/// One end of a dependency: the other package's id (which the document may never list as a
/// package) and the relationship as the document names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The other package's id.
    pub id: String,
    /// The relationship as the document names it ("DEPENDS_ON", "dependsOn").
    pub relationship: String,
}

/// Which way a tree goes from its package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// What the package depends on.
    DependsOn,
    /// What depends on the package.
    Dependents,
}

/// A package in a dependency tree: its row (`None` for an id the document never lists as a
/// package), and what it leads to, as far as the tree was followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeNode {
    /// The package's row in the document's packages; `None` for an id no package has.
    pub index: Option<usize>,
    /// The package's id, as the dependency names it.
    pub id: String,
    /// The package's name, when it has a row and states one.
    pub name: Option<String>,
    /// The package's version, when it has a row and states one.
    pub version: Option<String>,
    /// How this package and the node above are related, as the document names it.
    pub relationship: String,
    /// The nodes one level further, as far as the tree was followed.
    pub children: Vec<TreeNode>,
    /// Links not followed: the tree is cut at its depth or width, or at a cycle.
    pub more: u32,
}

impl Document {
    /// Its dependencies by package row (see [`DependencyIndex`]).
    pub fn dependency_index(&self) -> DependencyIndex {
        DependencyIndex::new(self)
    }
}

impl DependencyIndex {
    /// Indexes `document`'s dependencies; one naming an id that no package has is kept on the
    /// side of the package that has it.
    pub fn new(document: &Document) -> Self {
        let rows: HashMap<String, usize> = document
            .packages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        let mut depends_on: HashMap<usize, Vec<Link>> = HashMap::new();
        let mut dependents: HashMap<usize, Vec<Link>> = HashMap::new();
        for d in &document.dependencies {
            if let Some(&from) = rows.get(&d.from) {
                depends_on.entry(from).or_default().push(Link {
                    id: d.to.clone(),
                    relationship: d.relationship.clone(),
                });
            }
            if let Some(&to) = rows.get(&d.to) {
                dependents.entry(to).or_default().push(Link {
                    id: d.from.clone(),
                    relationship: d.relationship.clone(),
                });
            }
        }
        DependencyIndex {
            rows,
            depends_on,
            dependents,
        }
    }

    /// The row of the package with `id`.
    pub fn row(&self, id: &str) -> Option<usize> {
        self.rows.get(id).copied()
    }

    /// The links from the package at `row` the `direction` way, in document order.
    pub fn links(&self, row: usize, direction: Direction) -> &[Link] {
        let links = match direction {
            Direction::DependsOn => self.depends_on.get(&row),
            Direction::Dependents => self.dependents.get(&row),
        };
        links.map_or(&[], Vec::as_slice)
    }

    /// The packages the one at `row` depends on, or that depend on it, `depth` levels deep
    /// (at least one), at most `width` per level; and how many links of `row` were left out.
    /// A package already on the path from `row` is not followed again, so a cycle stops; a
    /// node not followed counts its own links in `more`. `document` is the one indexed.
    pub fn tree(
        &self,
        document: &Document,
        row: usize,
        depth: usize,
        width: usize,
        direction: Direction,
    ) -> (Vec<TreeNode>, u32) {
        let walk = Walk {
            index: self,
            document,
            width,
            direction,
        };
        walk.tree(row, depth, &mut vec![row])
    }
}

/// One tree's walk; `path` holds the rows above, so a cycle stops instead of repeating.
struct Walk<'a> {
    index: &'a DependencyIndex,
    document: &'a Document,
    width: usize,
    direction: Direction,
}

impl Walk<'_> {
    fn tree(&self, row: usize, depth: usize, path: &mut Vec<usize>) -> (Vec<TreeNode>, u32) {
        let links = self.index.links(row, self.direction);
        let more = links.len().saturating_sub(self.width) as u32;
        let nodes = links
            .iter()
            .take(self.width)
            .map(|link| {
                let index = self.index.row(&link.id);
                let package = index.and_then(|i| self.document.packages.get(i));
                let mut node = TreeNode {
                    index,
                    id: link.id.clone(),
                    name: package.and_then(|p| p.name.clone()),
                    version: package.and_then(|p| p.version.clone()),
                    relationship: link.relationship.clone(),
                    children: vec![],
                    more: 0,
                };
                if let Some(i) = index {
                    if depth > 1 && !path.contains(&i) {
                        path.push(i);
                        (node.children, node.more) = self.tree(i, depth - 1, path);
                        path.pop();
                    } else {
                        node.more = self.index.links(i, self.direction).len() as u32;
                    }
                }
                node
            })
            .collect();
        (nodes, more)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sbom::model::{Dependency, Encoding, Format, Package};

    /// `n` packages `p0`…, and `deps` between them by number (a number past `n` names an id no
    /// package has).
    fn document(n: usize, deps: &[(usize, usize)]) -> Document {
        Document {
            format: Format::Spdx,
            spec_version: "2.3".into(),
            encoding: Encoding::Json,
            name: None,
            namespace: None,
            created: None,
            tools: vec![],
            authors: vec![],
            packages: (0..n)
                .map(|i| Package {
                    id: format!("p{i}"),
                    name: Some(format!("pkg-{i}")),
                    version: Some(format!("1.{i}")),
                    ..Default::default()
                })
                .collect(),
            dependencies: deps
                .iter()
                .map(|&(a, b)| Dependency {
                    from: format!("p{a}"),
                    to: format!("p{b}"),
                    relationship: "DEPENDS_ON".into(),
                })
                .collect(),
            files: 0,
        }
    }

    fn link(id: &str) -> Link {
        Link {
            id: id.into(),
            relationship: "DEPENDS_ON".into(),
        }
    }

    #[test]
    fn links_go_both_ways_by_row() {
        let d = document(3, &[(0, 1), (1, 2)]);
        let index = d.dependency_index();
        assert_eq!(index.row("p1"), Some(1));
        assert_eq!(index.row("p9"), None);
        assert_eq!(index.links(0, Direction::DependsOn), [link("p1")]);
        assert_eq!(index.links(2, Direction::Dependents), [link("p1")]);
        assert!(index.links(2, Direction::DependsOn).is_empty());
        assert_eq!(index, DependencyIndex::new(&d));
    }

    #[test]
    fn the_tree_goes_two_levels_down_and_stops_at_a_cycle() {
        let d = document(4, &[(0, 1), (1, 2), (2, 3), (1, 0)]);
        let index = d.dependency_index();
        let (down, more) = index.tree(&d, 0, 2, 100, Direction::DependsOn);
        assert_eq!(more, 0);
        assert_eq!(down.len(), 1);
        assert_eq!(down[0].name.as_deref(), Some("pkg-1"));
        assert_eq!(down[0].version.as_deref(), Some("1.1"));
        assert_eq!(down[0].relationship, "DEPENDS_ON");
        let grandchildren: Vec<_> = down[0].children.iter().map(|c| c.index).collect();
        assert_eq!(grandchildren, vec![Some(2), Some(0)]);
        // Below the depth, only how many links were not followed.
        assert!(down[0].children[0].children.is_empty());
        assert_eq!(down[0].children[0].more, 1);
        let (up, _) = index.tree(&d, 1, 1, 100, Direction::Dependents);
        assert_eq!(up.len(), 1);
        assert_eq!(up[0].index, Some(0));
    }

    #[test]
    fn a_package_on_the_path_is_not_followed_again() {
        // 0 -> 1 -> 0: deep enough to loop, the walk stops at 0 and counts its one link.
        let d = document(2, &[(0, 1), (1, 0)]);
        let (down, _) = d
            .dependency_index()
            .tree(&d, 0, 10, 100, Direction::DependsOn);
        assert_eq!(down[0].index, Some(1));
        let back = &down[0].children[0];
        assert_eq!(back.index, Some(0));
        assert!(back.children.is_empty());
        assert_eq!(back.more, 1);
        // A package that depends on itself.
        let d = document(1, &[(0, 0)]);
        let (down, more) = d
            .dependency_index()
            .tree(&d, 0, 3, 100, Direction::DependsOn);
        assert_eq!((down.len(), more), (1, 0));
        assert_eq!((down[0].index, down[0].more), (Some(0), 1));
        assert!(down[0].children.is_empty());
    }

    #[test]
    fn each_level_is_cut_at_the_width_and_says_how_many_were_left_out() {
        // 0 depends on 1..=5; 1 depends on 6..=9.
        let mut deps: Vec<_> = (1..=5).map(|i| (0, i)).collect();
        deps.extend((6..=9).map(|i| (1, i)));
        let d = document(10, &deps);
        let (down, more) = d.dependency_index().tree(&d, 0, 2, 3, Direction::DependsOn);
        let rows: Vec<_> = down.iter().map(|n| n.index).collect();
        assert_eq!(rows, vec![Some(1), Some(2), Some(3)]);
        assert_eq!(more, 2);
        assert_eq!(down[0].children.len(), 3);
        assert_eq!(down[0].more, 1);
    }

    #[test]
    fn an_id_no_package_has_is_a_leaf_without_a_row() {
        let d = document(2, &[(0, 1), (0, 7)]);
        let index = d.dependency_index();
        let (down, more) = index.tree(&d, 0, 2, 100, Direction::DependsOn);
        assert_eq!(more, 0);
        assert_eq!(down.len(), 2);
        let unknown = &down[1];
        assert_eq!(unknown.index, None);
        assert_eq!(unknown.id, "p7");
        assert_eq!(
            (unknown.name.as_ref(), unknown.version.as_ref()),
            (None, None)
        );
        assert!(unknown.children.is_empty());
        assert_eq!(unknown.more, 0);
        // A row with no links, or past the packages, has an empty tree.
        assert_eq!(index.tree(&d, 1, 2, 100, Direction::DependsOn), (vec![], 0));
        assert_eq!(
            index.tree(&d, 42, 2, 100, Direction::Dependents),
            (vec![], 0)
        );
    }
}
