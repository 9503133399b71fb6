#version 330 core
// Instanced mesh: world = model * (position + (0, stretch * length, 0)), so capsules
// keep round caps and arrows keep their heads (see demo/render/geometry.py).
layout(location = 0) in vec3 a_position;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in float a_stretch;
layout(location = 3) in mat4 i_model;    // locations 3..6
layout(location = 7) in vec4 i_colour;
layout(location = 8) in float i_length;

uniform mat4 u_view_proj;
uniform mat4 u_shadow;  // identity, or the planar projection onto the ground

out vec3 v_world;
out vec3 v_normal;
out vec4 v_colour;

void main() {
    vec3 local = a_position + vec3(0.0, a_stretch * i_length, 0.0);
    vec4 world = u_shadow * (i_model * vec4(local, 1.0));
    v_world = world.xyz / world.w;
    // model = rotation * scale (orthogonal columns), so its inverse transpose is
    // model * scale^-2: correct normals for flattened discs too.
    mat3 m = mat3(i_model);
    vec3 s2 = vec3(dot(m[0], m[0]), dot(m[1], m[1]), dot(m[2], m[2]));
    v_normal = m * (a_normal / s2);
    v_colour = i_colour;
    gl_Position = u_view_proj * world;
}
